"""Model package approval → the deploy workflow of that project's deploy repo, dispatched on the forge."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from platform_cli.config import TemplateKind
from platform_cli.lambdas.exceptions import DispatchFailedError
from platform_cli.lambdas.trigger_workflow import handle_event, run
from platform_cli.local.forge.faults import Faults
from tests.lambdas.conftest import SETTINGS, FakeContext
from tests.lambdas.forge_harness import ForgeLambda
from tests.provisioning.conftest import ProvisioningOrg

ARN = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-p-abc123def456/3"


def approval(status: str = "Approved", group: str = "churn-p-abc123def456") -> dict[str, Any]:
    return {
        "version": "0",
        "id": "evt-1",
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "account": "111111111111",
        "region": "eu-west-1",
        "detail": {"ModelPackageGroupName": group, "ModelPackageArn": ARN, "ModelApprovalStatus": status},
    }


@pytest.fixture
def provisioned(porg: ProvisioningOrg) -> ProvisioningOrg:
    handler = ForgeLambda(porg)
    assert handler("Create", handler.properties(TemplateKind.BUILD_DEPLOY_REALTIME))["Status"] == "SUCCESS"
    return porg


def settings(porg: ProvisioningOrg, **overrides: Any) -> Any:
    return replace(SETTINGS, github_org=porg.login, api_url=porg.forge.api_url, **overrides)


def test_approved_dispatches_the_deploy_workflow_with_the_model_package_arn(provisioned: ProvisioningOrg) -> None:
    porg = provisioned
    outcome = handle_event(approval(), porg.client(), settings(porg))
    repo = f"{porg.login}/churn-p-abc123def456-deploy"
    assert outcome.dispatched and outcome.repo == repo and outcome.workflow == "deploy.yml"
    (dispatch,) = porg.forge.admin.dispatches(repo)
    assert dispatch["inputs"] == {"model_package_arn": ARN}
    assert dispatch["ref"] in ("main", "refs/heads/main")


@pytest.mark.parametrize("status", ["Rejected", "PendingManualApproval"])
def test_other_statuses_do_not_dispatch(provisioned: ProvisioningOrg, status: str) -> None:
    porg = provisioned
    outcome = handle_event(approval(status), porg.client(), settings(porg))
    assert not outcome.dispatched
    assert porg.forge.admin.dispatches(f"{porg.login}/churn-p-abc123def456-deploy") == []


def test_the_dispatching_statuses_are_configurable(provisioned: ProvisioningOrg) -> None:
    porg = provisioned
    outcome = handle_event(approval("Rejected"), porg.client(), settings(porg, dispatch_statuses=("Rejected",)))
    assert outcome.dispatched


def test_an_unknown_project_is_logged_not_dispatched_and_does_not_crash(porg: ProvisioningOrg) -> None:
    result = run(approval(group="ghost-p-000000000000"), FakeContext(), lambda d: porg.client(), settings(porg))
    assert result["dispatched"] is False
    assert "unknown project ghost-p-000000000000" in result["reason"]
    assert porg.forge.admin.dispatches() == [] or all(
        "ghost" not in d.get("repo", "") for d in porg.forge.admin.dispatches()
    )


@pytest.mark.parametrize(
    "event",
    [
        {"detail-type": "Something Else"},
        {"detail-type": "SageMaker Model Package State Change", "detail": {"ModelApprovalStatus": "Approved"}},
        "not even a dict",
    ],
)
def test_malformed_events_are_ignored(porg: ProvisioningOrg, event: Any) -> None:
    result = run(event, FakeContext(), lambda d: porg.client(), settings(porg))
    assert result["dispatched"] is False


def test_a_refused_token_fails_the_invocation(porg: ProvisioningOrg) -> None:
    with pytest.raises(DispatchFailedError, match="401"):
        run(approval(), FakeContext(), lambda d: porg.client("ghp_badbadbadbadbadbadbad0001"), settings(porg))


def test_a_5xx_from_github_fails_the_invocation_after_bounded_retries(provisioned: ProvisioningOrg) -> None:
    """EventBridge → Lambda is asynchronous: only a failed invocation is retried and then reaches the DLQ."""
    faults = Faults(error_rate=1.0, error_status=502, secondary_per_minute=None, paths=("/repos/",))
    with provisioned.forge.injecting(faults), pytest.raises(DispatchFailedError, match="502"):
        run(approval(), FakeContext(), lambda d: provisioned.client(deadline=d), settings(provisioned))
    assert provisioned.forge.admin.dispatches(f"{provisioned.login}/churn-p-abc123def456-deploy") == []
