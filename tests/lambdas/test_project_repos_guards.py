"""The custom resource refuses what would drift silently and stops all work once it has answered (issue 15,
items 8 and 9)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from platform_cli.config import TemplateKind
from platform_cli.github.client import build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.github.exceptions import DeadlineExceededError
from platform_cli.provisioning.desired import DesiredRepo
from platform_cli.provisioning.reconcile import ReconcileResult
from tests.lambdas.conftest import event, properties
from tests.lambdas.test_project_repos_state_machine import FakeReconciler, Harness
from tests.provisioning.conftest import ProvisioningOrg

PHYSICAL = "acme/churn-p-abc123def456"


def test_an_update_that_changes_the_template_kind_is_refused_in_one_line(fake: FakeReconciler) -> None:
    harness = Harness(fake)
    old = properties(TemplateKind.BUILD_DEPLOY_REALTIME)
    new = properties(TemplateKind.BUILD_DEPLOY_BATCH)
    harness(event("Update", new, PhysicalResourceId=PHYSICAL, OldResourceProperties=old))
    (answer,) = harness.sent
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        "TemplateKind cannot change from build-deploy-realtime to build-deploy-batch on update; "
        "create a new project with the new template instead"
    )
    assert answer["PhysicalResourceId"] == PHYSICAL
    assert fake.applied == []


def test_an_update_keeping_the_template_kind_still_reconciles(fake: FakeReconciler) -> None:
    harness = Harness(fake)
    harness(event("Update", properties(), PhysicalResourceId=PHYSICAL, OldResourceProperties=properties()))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert len(fake.applied) == 1


class _WritesAfterTheTimer(FakeReconciler):
    """Works past the answer, then tries one more write: the deadline must refuse it."""

    def __init__(self, deadline_box: list[Deadline]) -> None:
        super().__init__()
        self.deadline_box = deadline_box
        self.refused: list[str] = []

    def apply(self, repos: list[DesiredRepo], rotate_secrets: Any = frozenset()) -> ReconcileResult:
        time.sleep(1.2)
        try:
            self.deadline_box[0].check("writing to GitHub")
        except DeadlineExceededError as error:
            self.refused.append(str(error))
            raise
        return super().apply(repos, rotate_secrets)


def test_once_the_timer_answered_no_further_write_is_allowed() -> None:
    box: list[Deadline] = []
    reconciler = _WritesAfterTheTimer(box)
    harness = Harness(reconciler)

    def factory(github: Any, deadline: Deadline, settings: Any) -> _WritesAfterTheTimer:
        box.append(deadline)
        return reconciler

    harness.resource.deps.reconciler = factory  # type: ignore[assignment]
    harness(event("Create"), remaining_ms=1_000)  # the timer answers at 0.8 s, while the work runs 1.2 s
    assert [a["Status"] for a in harness.sent] == ["FAILED"]
    assert reconciler.refused and "already answered" in reconciler.refused[0]
    assert reconciler.applied == []


def test_a_cancelled_deadline_stops_every_github_request_before_it_is_sent(porg: ProvisioningOrg) -> None:
    deadline = Deadline(60)
    gh = build_client(GitHubCredentials.pat(porg.org.token), porg.forge.api_url, deadline)
    org = gh.get_organization(porg.login)
    assert org.login == porg.login
    deadline.cancel("CloudFormation was already answered")
    with pytest.raises(DeadlineExceededError, match="already answered"):
        org.create_repo("written-after-the-answer", private=True)
    assert "written-after-the-answer" not in [r.name for r in porg.org.gh.get_organization(porg.login).get_repos()]


@pytest.fixture
def fake() -> FakeReconciler:
    return FakeReconciler()


def test_the_work_stops_when_cloudformation_stops_waiting_its_service_timeout() -> None:
    """`--timeout` through Service Catalog: the custom resource's ServiceTimeout (ProvisioningTimeoutSeconds) bounds
    the handler's deadline though the invocation itself could run on (issue 15, item 10)."""
    box: list[Deadline] = []
    reconciler = _WritesAfterTheTimer(box)
    harness = Harness(reconciler)

    def factory(github: Any, deadline: Deadline, settings: Any) -> _WritesAfterTheTimer:
        box.append(deadline)
        return reconciler

    harness.resource.deps.reconciler = factory  # type: ignore[assignment]
    harness(event("Create", properties(ServiceTimeout="1")), remaining_ms=900_000)
    assert [a["Status"] for a in harness.sent] == ["FAILED"]
    assert reconciler.refused and "already answered" in reconciler.refused[0]
    assert reconciler.applied == []
