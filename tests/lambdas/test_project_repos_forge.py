"""Every lifecycle of the custom resource, for every template kind, against the forge."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace

import pytest
from github.GithubException import UnknownObjectException

from platform_cli.config import TemplateKind
from platform_cli.github import metering
from platform_cli.lambdas.jsonlog import REDACTOR, configure, reset
from platform_cli.provisioning.contract import load_contract
from tests.lambdas.forge_harness import ForgeLambda
from tests.provisioning.conftest import TEST_POLICY, ProvisioningOrg

PHYSICAL_ID = "{org}/churn-p-abc123def456"


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_lifecycle_create_create_again_update_delete(
    porg: ProvisioningOrg, meter: metering.Meter, kind: TemplateKind
) -> None:
    handler = ForgeLambda(porg)
    props = handler.properties(kind)
    physical_id = PHYSICAL_ID.format(org=porg.login)
    parts = list(load_contract().parts(kind))
    gh = porg.org.gh

    created = handler("Create", props)
    assert created["Status"] == "SUCCESS", created["Reason"]
    assert created["PhysicalResourceId"] == physical_id
    for part in parts:
        name = f"{porg.login}/churn-p-abc123def456-{part}"
        assert created["Data"][f"{part.capitalize()}CloneUrl"] == gh.get_repo(name).clone_url

    with meter.active():
        again = handler("Create", props)
    assert again["Status"] == "SUCCESS" and again["PhysicalResourceId"] == physical_id
    assert meter.writes == []

    updated_props = {**props, "ExtraVariables": {"FEATURE_FLAG": "on"}}
    updated = handler("Update", updated_props, PhysicalResourceId=physical_id, OldResourceProperties=props)
    assert updated["Status"] == "SUCCESS" and updated["PhysicalResourceId"] == physical_id
    first = gh.get_repo(f"{porg.login}/churn-p-abc123def456-{parts[0]}")
    assert first.get_variable("FEATURE_FLAG").value == "on"

    deleted = handler("Delete", updated_props, PhysicalResourceId=physical_id)
    assert deleted["Status"] == "SUCCESS"
    for part in parts:
        assert gh.get_repo(f"{porg.login}/churn-p-abc123def456-{part}").archived


def test_delete_policy_delete_removes_the_repos(porg: ProvisioningOrg) -> None:
    handler = ForgeLambda(porg)
    props = handler.properties(TemplateKind.BUILD_DEPLOY_BATCH, DeletePolicy="delete")
    handler("Create", props)
    assert handler("Delete", props, PhysicalResourceId=PHYSICAL_ID.format(org=porg.login))["Status"] == "SUCCESS"
    for part in ("build", "deploy"):
        with pytest.raises(UnknownObjectException):
            porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-{part}")


def test_delete_policy_retain_keeps_the_repos_untouched(porg: ProvisioningOrg) -> None:
    handler = ForgeLambda(porg)
    props = handler.properties(TemplateKind.SINGLE_ACCOUNT_TRAINING, DeletePolicy="retain")
    handler("Create", props)
    assert handler("Delete", props, PhysicalResourceId=PHYSICAL_ID.format(org=porg.login))["Status"] == "SUCCESS"
    assert not porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-training").archived


def test_delete_twice_succeeds(porg: ProvisioningOrg) -> None:
    handler = ForgeLambda(porg)
    props = handler.properties(TemplateKind.PIPELINE_PROMOTION, DeletePolicy="delete")
    handler("Create", props)
    for _ in range(2):
        assert handler("Delete", props, PhysicalResourceId=PHYSICAL_ID.format(org=porg.login))["Status"] == "SUCCESS"


def test_delete_after_a_failed_create_succeeds_and_leaves_nothing(porg: ProvisioningOrg) -> None:
    porg.org.gh.get_repo(f"{porg.login}/model-deploy-batch").edit(is_template=False)
    handler = ForgeLambda(porg)
    props = handler.properties(TemplateKind.BUILD_DEPLOY_BATCH)
    failed = handler("Create", props)
    assert failed["Status"] == "FAILED"
    assert failed["Reason"] == (
        f"template repo {porg.login}/model-deploy-batch is not a template repository; "
        "run `mlops org publish` to mark it"
    )
    deleted = handler("Delete", props, PhysicalResourceId=failed["PhysicalResourceId"])
    assert deleted["Status"] == "SUCCESS"
    names = [r.name for r in porg.org.gh.get_organization(porg.login).get_repos()]
    assert not [n for n in names if n.startswith("churn-")]


def test_a_rename_creates_new_repos_and_the_old_resource_is_deleted_separately(porg: ProvisioningOrg) -> None:
    handler = ForgeLambda(porg)
    old = handler.properties(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    handler("Create", old)
    old_id = PHYSICAL_ID.format(org=porg.login)
    new = {**old, "ProjectName": "churn2"}
    updated = handler("Update", new, PhysicalResourceId=old_id, OldResourceProperties=old)
    assert updated["PhysicalResourceId"] == f"{porg.login}/churn2-p-abc123def456"
    # CloudFormation then deletes the old physical resource with the old properties.
    assert handler("Delete", old, PhysicalResourceId=old_id)["Status"] == "SUCCESS"
    assert porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-training").archived
    assert not porg.org.gh.get_repo(f"{porg.login}/churn2-p-abc123def456-training").archived


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"ProjectName": "no_underscores"}, "project request: project_name: 'no_underscores' is not a valid SageMaker"),
        ({"ProjectName": "x" * 33}, "project request: project_name:"),
        ({"TemplateKind": "nope"}, "project request: template_kind: Input should be"),
        ({"Accounts": {"dev": "111111111111"}}, "needs environments preprod, prod"),
        ({"Colour": "red"}, "unknown custom resource property Colour"),
    ],
)
def test_bad_inputs_fail_with_the_right_reason_and_create_nothing(
    porg: ProvisioningOrg, props: dict[str, object], reason: str
) -> None:
    handler = ForgeLambda(porg)
    answer = handler("Create", handler.properties(TemplateKind.BUILD_DEPLOY_REALTIME, **props))
    assert answer["Status"] == "FAILED"
    assert reason in answer["Reason"]
    names = [r.name for r in porg.org.gh.get_organization(porg.login).get_repos()]
    assert not [n for n in names if "-p-" in n]


def test_an_unknown_team_fails_with_the_team_named(porg: ProvisioningOrg) -> None:
    handler = ForgeLambda(porg, maintainers_team="nobody")
    answer = handler("Create", handler.properties(TemplateKind.LLM_FINE_TUNING))
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith(f"team {porg.login}/nobody does not exist")


def test_a_canary_token_never_appears_in_logs_exceptions_or_reasons(
    porg: ProvisioningOrg, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = "ghp_CANARY0canary1CANARY2canary3CANARY4"
    REDACTOR.register(canary)  # as the credential cache does when it reads the secret
    stream = io.StringIO()
    configure("project_repos", stream=stream, level=logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        answers = run_failure_paths(porg, canary)
    finally:
        reset()
        logging.getLogger().setLevel(logging.WARNING)
    assert [a["Status"] for a in answers] == ["FAILED"] * 5
    assert "401 bad credentials" in answers[0]["Reason"]
    everything = json.dumps(answers) + stream.getvalue() + caplog.text + "".join(capsys.readouterr())
    assert canary not in everything
    assert stream.getvalue(), "the handler logged"
    for line in stream.getvalue().splitlines():
        assert json.loads(line)["request_id"]


def run_failure_paths(porg: ProvisioningOrg, canary: str) -> list[dict[str, object]]:
    answers = []
    bad = ForgeLambda(porg, token=canary)
    props = bad.properties(TemplateKind.BUILD_DEPLOY_REALTIME)
    answers.append(bad("Create", props))
    answers.append(bad("Delete", props, PhysicalResourceId=PHYSICAL_ID.format(org=porg.login)))
    answers.append(bad("Update", props, PhysicalResourceId=PHYSICAL_ID.format(org=porg.login)))
    answers.append(bad("Create", props, remaining_ms=600))  # past the deadline at once
    good = ForgeLambda(porg, maintainers_team="nobody")
    answers.append(good("Create", {**props, "ExtraSecrets": {"API_KEY": canary}}))
    return answers


def test_under_flaky_github_create_still_answers_success(porg: ProvisioningOrg) -> None:
    from platform_cli.local.forge import Faults

    # The two repos are configured side by side, so which call meets which fault varies from run to run: allow
    # enough attempts (production allows 20) rather than rely on a lucky seed.
    handler = ForgeLambda(porg, policy=replace(TEST_POLICY, retries=8))
    with porg.forge.injecting(Faults(error_rate=0.15, error_status=502, drop_rate=0.05, seed=11)):
        answer = handler("Create", handler.properties(TemplateKind.BUILD_DEPLOY_REALTIME))
    assert answer["Status"] == "SUCCESS", answer["Reason"]


def test_a_rate_limit_longer_than_the_lambda_has_left_answers_failed_in_time(porg: ProvisioningOrg) -> None:
    import time

    from platform_cli.local.forge import Faults

    handler = ForgeLambda(porg)
    started = time.monotonic()
    with porg.forge.injecting(Faults(secondary_per_minute=2, secondary_retry_after_s=30)):
        answer = handler("Create", handler.properties(TemplateKind.PIPELINE_PROMOTION), remaining_ms=6_000)
    assert answer["Status"] == "FAILED"
    assert "ran out of time" in answer["Reason"]
    assert time.monotonic() - started < 6
