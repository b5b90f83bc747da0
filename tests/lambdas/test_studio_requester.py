"""The requester is bound to the Studio user who launched the project (issue 15, item 5): a launch cannot give
another org member write access by naming them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.lambdas.exceptions import EventError
from platform_cli.lambdas.studio_user import bind_requester, launching_user
from platform_cli.provisioning.desired import DesiredRepo
from platform_cli.provisioning.reconcile import ReconcileResult
from tests.lambdas.conftest import event, properties
from tests.lambdas.test_project_repos_state_machine import FakeReconciler, Harness


class _RecordsRequester(FakeReconciler):
    def __init__(self) -> None:
        super().__init__()
        self.requesters: list[str | None] = []

    def apply(self, repos: list[DesiredRepo], rotate_secrets: Any = frozenset()) -> ReconcileResult:
        self.requesters += [repo.requesting_user for repo in repos]
        return super().apply(repos, rotate_secrets)


def _harness(studio_user: str | None) -> tuple[Harness, _RecordsRequester]:
    reconciler = _RecordsRequester()
    harness = Harness(reconciler)
    harness.resource.deps.studio_user = lambda project_name: studio_user
    return harness, reconciler


def test_a_launch_naming_another_member_than_the_studio_user_is_refused_in_one_line() -> None:
    harness, reconciler = _harness("ada")
    harness(event("Create", properties(RequestingUser="mallory")))
    (answer,) = harness.sent
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        "GitHubUsername mallory is not the Studio user who launched the project (ada); leave it empty or give ada"
    )
    assert reconciler.applied == []


def test_an_empty_requester_becomes_the_studio_user_who_launched() -> None:
    harness, reconciler = _harness("ada")
    harness(event("Create", properties(RequestingUser="")))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert set(reconciler.requesters) == {"ada"}


def test_without_a_known_studio_user_the_given_requester_stands() -> None:
    harness, reconciler = _harness(None)
    harness(event("Create", properties(RequestingUser="alice")))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert set(reconciler.requesters) == {"alice"}


def test_the_studio_user_is_who_sagemaker_recorded_as_the_projects_creator() -> None:
    class Sagemaker:
        def describe_project(self, ProjectName: str) -> dict[str, Any]:  # noqa: N803 - boto3's keyword
            return {"ProjectName": ProjectName, "CreatedBy": {"UserProfileName": "ada", "DomainId": "d-1"}}

    assert launching_user(Sagemaker(), "churn") == "ada"
    assert bind_requester("Ada", "ada") == "ada"  # GitHub logins are case-insensitive


def test_a_project_sagemaker_does_not_know_has_no_studio_user_but_a_refused_read_fails() -> None:
    class Sagemaker:
        def __init__(self, code: str) -> None:
            self.code = code

        def describe_project(self, ProjectName: str) -> dict[str, Any]:  # noqa: N803 - boto3's keyword
            raise ClientError({"Error": {"Code": self.code, "Message": "x"}}, "DescribeProject")

    assert launching_user(Sagemaker("ValidationException"), "churn") is None
    with pytest.raises(EventError, match="needs sagemaker:DescribeProject"):
        launching_user(Sagemaker("AccessDeniedException"), "churn")
