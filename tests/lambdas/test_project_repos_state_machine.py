"""The custom resource's state machine, with an injected reconciler and responder (no GitHub, no S3)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from platform_cli.errors import PlatformError
from platform_cli.lambdas.jsonlog import REDACTOR
from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
from platform_cli.provisioning.desired import DesiredRepo
from platform_cli.provisioning.exceptions import TemplateRepoError
from platform_cli.provisioning.reconcile import ReconcileResult, RepoOutcome
from tests.lambdas.conftest import SETTINGS, FakeContext, event, properties


class FakeReconciler:
    def __init__(self, fail: Exception | None = None, delay: float = 0.0) -> None:
        self.fail = fail
        self.delay = delay
        self.applied: list[list[str]] = []
        self.removed: list[list[tuple[str, str]]] = []
        self.rotated: list[set[str]] = []

    def apply(self, repos: list[DesiredRepo], rotate_secrets: Any = frozenset()) -> ReconcileResult:
        time.sleep(self.delay)
        if self.fail:
            raise self.fail
        self.applied.append([repo.full_name for repo in repos])
        self.rotated.append(set(rotate_secrets))
        outcomes = [
            RepoOutcome(
                r.part,
                r.full_name,
                f"https://git.example/{r.full_name}",
                f"https://git.example/{r.full_name}.git",
                "",
                True,
            )
            for r in repos
        ]
        return ReconcileResult(repos=outcomes)

    def remove(self, repos: list[DesiredRepo]) -> ReconcileResult:
        if self.fail:
            raise self.fail
        self.removed.append([(repo.full_name, repo.delete_policy) for repo in repos])
        return ReconcileResult()


class Harness:
    def __init__(self, reconciler: FakeReconciler) -> None:
        self.reconciler = reconciler
        self.sent: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        deps = Dependencies(
            settings=SETTINGS,
            github=lambda deadline: None,  # type: ignore[arg-type,return-value]
            send=self._send,
            reconciler=lambda github, deadline, settings: reconciler,  # type: ignore[arg-type,return-value]
        )
        self.resource = ProjectReposResource(deps)

    def _send(self, url: str, body: bytes) -> None:
        with self.lock:
            self.sent.append(json.loads(body))

    def __call__(self, evt: Any, remaining_ms: int = 60_000) -> dict[str, Any]:
        return self.resource(evt, FakeContext(remaining_ms))


@pytest.fixture
def fake() -> FakeReconciler:
    return FakeReconciler()


@pytest.fixture
def harness(fake: FakeReconciler) -> Harness:
    return Harness(fake)


def test_create_answers_success_with_a_stable_physical_id_and_repo_urls(harness: Harness) -> None:
    harness(event("Create"))
    (answer,) = harness.sent
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "acme/churn-p-abc123def456"
    assert answer["Data"]["BuildCloneUrl"] == "https://git.example/acme/churn-p-abc123def456-build.git"
    assert answer["Data"]["DeployRepoUrl"] == "https://git.example/acme/churn-p-abc123def456-deploy"
    assert answer["RequestId"] == "11111111-2222-3333-4444-555555555555"
    assert answer["LogicalResourceId"] == "ProjectRepos"


def test_create_twice_gives_the_same_physical_id(harness: Harness) -> None:
    harness(event("Create"))
    harness(event("Create"))
    assert harness.sent[0]["PhysicalResourceId"] == harness.sent[1]["PhysicalResourceId"]


def test_invalid_properties_fail_with_the_field_named_and_touch_nothing(harness: Harness, fake: FakeReconciler) -> None:
    harness(event("Create", properties(ProjectName="bad_name!")))
    (answer,) = harness.sent
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith("project request: project_name: 'bad_name!' is not a valid SageMaker")
    assert answer["PhysicalResourceId"].startswith("failed:")
    assert fake.applied == []


def test_a_provisioning_error_becomes_the_one_line_reason() -> None:
    harness = Harness(
        FakeReconciler(
            fail=TemplateRepoError(
                "template repo acme/model-build is not a template repository; run `mlops org publish` to mark it"
            )
        )
    )
    harness(event("Create"))
    (answer,) = harness.sent
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        "template repo acme/model-build is not a template repository; run `mlops org publish` to mark it"
    )
    assert answer["PhysicalResourceId"] == "failed:acme/churn-p-abc123def456"


def test_an_unexpected_error_fails_without_its_message() -> None:
    harness = Harness(FakeReconciler(fail=RuntimeError("internal detail canary-xyz")))
    harness(event("Create"))
    (answer,) = harness.sent
    assert answer["Status"] == "FAILED"
    assert "canary-xyz" not in answer["Reason"]
    assert "RuntimeError" in answer["Reason"] and "req-0001" in answer["Reason"]


def test_a_registered_secret_is_redacted_from_the_reason() -> None:
    REDACTOR.register("ghp_canarycanarycanarycanary0001")
    harness = Harness(FakeReconciler(fail=PlatformError("bad ghp_canarycanarycanarycanary0001 here")))
    harness(event("Create"))
    assert "ghp_canary" not in json.dumps(harness.sent)


def test_unknown_request_type_fails_cleanly(harness: Harness) -> None:
    harness(event("Upsert"))
    assert harness.sent[0]["Status"] == "FAILED"
    assert "unknown RequestType 'Upsert'" in harness.sent[0]["Reason"]


def test_a_malformed_event_still_answers(harness: Harness) -> None:
    evt = event("Create")
    del evt["StackId"]
    harness(evt)
    assert harness.sent[0]["Status"] == "FAILED"
    assert "no StackId" in harness.sent[0]["Reason"]


def test_a_non_dict_event_does_not_raise(harness: Harness) -> None:
    body = harness("not an event")
    assert body["Status"] == "FAILED"
    assert harness.sent == []  # no ResponseURL to answer to; logged


def test_update_reconciles_to_the_new_properties(harness: Harness, fake: FakeReconciler) -> None:
    harness(event("Update", PhysicalResourceId="acme/churn-p-abc123def456", OldResourceProperties=properties()))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert fake.applied == [["acme/churn-p-abc123def456-build", "acme/churn-p-abc123def456-deploy"]]


def test_a_rename_is_a_new_physical_id(harness: Harness) -> None:
    harness(event("Update", properties(ProjectName="churn2"), PhysicalResourceId="acme/churn-p-abc123def456"))
    assert harness.sent[0]["PhysicalResourceId"] == "acme/churn2-p-abc123def456"


def test_update_rotates_only_secrets_whose_reference_changed(harness: Harness, fake: FakeReconciler) -> None:
    secrets = {"A_KEY": "arn:a", "B_KEY": "arn:b"}
    old = properties(ExtraSecrets=secrets)
    new = properties(ExtraSecrets={**secrets, "B_KEY": "arn:b2"})
    harness.resource.deps.resolve_secret = lambda ref: f"value-of-{ref}"
    harness(event("Update", new, PhysicalResourceId="acme/churn-p-abc123def456", OldResourceProperties=old))
    assert fake.rotated == [{"B_KEY"}]


def test_a_failed_update_keeps_the_old_physical_id() -> None:
    harness = Harness(FakeReconciler(fail=TemplateRepoError("template repo acme/x is missing")))
    harness(event("Update", PhysicalResourceId="acme/churn-p-abc123def456"))
    assert harness.sent[0]["Status"] == "FAILED"
    assert harness.sent[0]["PhysicalResourceId"] == "acme/churn-p-abc123def456"


@pytest.mark.parametrize("policy", ["archive", "delete", "retain"])
def test_delete_applies_the_delete_policy(harness: Harness, fake: FakeReconciler, policy: str) -> None:
    harness(event("Delete", properties(DeletePolicy=policy), PhysicalResourceId="acme/churn-p-abc123def456"))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert {p for _, p in fake.removed[0]} == {policy}


def test_delete_of_a_create_that_failed_validation_succeeds_without_touching_github(
    harness: Harness, fake: FakeReconciler
) -> None:
    harness(event("Delete", properties(ProjectName="bad_name!"), PhysicalResourceId="failed:ProjectRepos-11111111"))
    assert harness.sent[0]["Status"] == "SUCCESS"
    assert harness.sent[0]["PhysicalResourceId"] == "failed:ProjectRepos-11111111"
    assert fake.removed == []


def test_delete_after_a_failed_create_succeeds_even_if_cleanup_fails() -> None:
    harness = Harness(FakeReconciler(fail=PlatformError("GitHub refused the token")))
    harness(event("Delete", PhysicalResourceId="failed:acme/churn-p-abc123def456"))
    assert harness.sent[0]["Status"] == "SUCCESS"


def test_a_failing_delete_of_a_real_resource_fails_with_the_reason() -> None:
    harness = Harness(FakeReconciler(fail=PlatformError("GitHub refused the token (401 bad credentials)")))
    harness(event("Delete", PhysicalResourceId="acme/churn-p-abc123def456"))
    assert harness.sent[0]["Status"] == "FAILED"
    assert "401" in harness.sent[0]["Reason"]


def test_work_past_the_remaining_time_is_answered_failed_by_the_timer_once() -> None:
    harness = Harness(FakeReconciler(delay=1.5))
    started = time.monotonic()
    harness(event("Create"), remaining_ms=1000)
    assert len(harness.sent) == 1
    assert harness.sent[0]["Status"] == "FAILED"
    assert "timed out" in harness.sent[0]["Reason"]
    assert time.monotonic() - started < 3


def test_the_reason_is_a_single_bounded_line() -> None:
    harness = Harness(FakeReconciler(fail=PlatformError("x\n" * 2000)))
    harness(event("Create"))
    reason = harness.sent[0]["Reason"]
    assert "\n" not in reason and len(reason) <= 900
