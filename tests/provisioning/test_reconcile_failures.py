"""Bad inputs and injected faults against the forge: the right one-line reason, nothing left behind, no hang."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from github.GithubException import GithubException
from github.Repository import Repository

from platform_cli.config import TemplateKind
from platform_cli.github.client import ClientPolicy
from platform_cli.github.deadline import Deadline
from platform_cli.local.forge import Faults
from platform_cli.provisioning.exceptions import (
    DeadlineExceededError,
    GenerationTimeoutError,
    GitHubAccessError,
    ProvisioningError,
    RepoConflictError,
    TemplateRepoError,
    UnknownTeamError,
)
from platform_cli.provisioning.reconcile import Reconciler
from tests.provisioning.conftest import ProvisioningOrg

FAST_RETRY = ClientPolicy(seconds_between_writes=0.0, backoff_factor=0.01, secondary_rate_wait=1.0, retries=10)


def project_repos(porg: ProvisioningOrg) -> list[str]:
    return [r.name for r in porg.org.gh.get_organization(porg.login).get_repos() if "-p-" in r.name]


def test_a_template_repo_not_marked_as_template_fails_before_anything_is_created(porg: ProvisioningOrg) -> None:
    porg.org.gh.get_repo(f"{porg.login}/model-deploy-realtime").edit(is_template=False)
    with pytest.raises(TemplateRepoError) as raised:
        porg.reconciler().apply(porg.desired())
    assert str(raised.value) == (
        f"template repo {porg.login}/model-deploy-realtime is not a template repository; "
        "run `mlops org publish` to mark it"
    )
    assert project_repos(porg) == []


def test_a_missing_template_repo_fails_before_anything_is_created(porg: ProvisioningOrg) -> None:
    porg.org.gh.get_repo(f"{porg.login}/model-build").delete()
    with pytest.raises(TemplateRepoError, match=f"template repo {porg.login}/model-build does not exist"):
        porg.reconciler().apply(porg.desired(TemplateKind.BUILD_DEPLOY_BATCH))
    assert project_repos(porg) == []


def test_an_unknown_team_is_named(porg: ProvisioningOrg) -> None:
    with pytest.raises(UnknownTeamError, match=f"team {porg.login}/ghosts does not exist; .*teams.maintainers"):
        porg.reconciler().apply(porg.desired(maintainers_team="ghosts"))
    assert project_repos(porg) == []


def test_a_bad_token_fails_with_401_and_never_shows_the_token(
    porg: ProvisioningOrg, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "ghp_CANARYcanaryCANARYcanary0123456789"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GitHubAccessError) as raised:
        porg.reconciler(token=canary).apply(porg.desired())
    assert "401 bad credentials" in str(raised.value)
    assert canary not in str(raised.value) and canary not in repr(raised.value)
    assert canary not in caplog.text
    assert project_repos(porg) == []


def test_a_token_without_scopes_fails_with_an_actionable_reason(porg: ProvisioningOrg) -> None:
    weak = porg.forge.admin.create_token(porg.org.owner, scopes=[])
    with pytest.raises(GitHubAccessError, match="token is not allowed to") as raised:
        porg.reconciler(token=weak).apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING))
    assert weak not in str(raised.value)
    assert project_repos(porg) == []


def test_a_foreign_repo_with_the_projects_name_is_not_taken_over(porg: ProvisioningOrg) -> None:
    (state,) = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    porg.forge.admin.create_repo(porg.login, state.name)
    with pytest.raises(RepoConflictError, match=f"repository {state.full_name} already exists"):
        porg.reconciler().apply([state])


def test_a_failed_create_is_completed_by_a_retry(porg: ProvisioningOrg) -> None:
    repos = porg.desired()
    # The deploy template is broken: the build repo is created, then the run fails.
    template = porg.org.gh.get_repo(f"{porg.login}/model-deploy-realtime")
    with (
        porg.forge.injecting(
            Faults(error_rate=1.0, error_status=500, paths=(f"/repos/{porg.login}/model-deploy-realtime/generate",))
        ),
        pytest.raises(ProvisioningError, match="GitHub kept failing \\(500\\)"),
    ):
        porg.reconciler().apply(repos)
    assert template.is_template
    result = porg.reconciler().apply(repos)
    assert [o.created for o in result.repos] == [False, True]
    assert porg.reconciler().apply(repos).changes == []


def test_5xx_answers_are_retried_to_success(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(error_rate=0.25, error_status=502, seed=7)):
        reconciler = Reconciler(porg.client(policy=FAST_RETRY), Deadline(60), poll_initial=0.02)
        result = reconciler.apply(porg.desired(TemplateKind.PIPELINE_PROMOTION))
    assert len(result.repos) == 1
    assert porg.reconciler().apply(porg.desired(TemplateKind.PIPELINE_PROMOTION)).changes == []


def test_dropped_connections_are_retried_to_success(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(drop_rate=0.2, seed=3)):
        reconciler = Reconciler(porg.client(policy=FAST_RETRY), Deadline(60), poll_initial=0.02)
        reconciler.apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING))
    assert porg.reconciler().apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)).changes == []


def test_secondary_rate_limits_are_waited_out_honouring_retry_after(
    porg: ProvisioningOrg, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="github.GithubRetry")
    stop = threading.Event()

    def window_passes() -> None:  # the forge's limit is per minute; let "a minute" pass every 0.5 s
        while not stop.wait(0.5):
            porg.forge.admin.reset_limits()

    ticker = threading.Thread(target=window_passes, daemon=True)
    with porg.forge.injecting(Faults(secondary_per_minute=4, secondary_retry_after_s=1)):
        ticker.start()
        try:
            started = time.monotonic()
            Reconciler(porg.client(policy=FAST_RETRY), Deadline(60), poll_initial=0.02).apply(
                porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
            )
        finally:
            stop.set()
            ticker.join()
    assert "Retrying after 1 seconds" in caplog.text
    assert time.monotonic() - started >= 1.0
    assert porg.reconciler().apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)).changes == []


def test_a_retry_after_past_the_deadline_fails_at_once_instead_of_hanging(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(secondary_per_minute=1, secondary_retry_after_s=30)):
        deadline = Deadline(5)
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError, match="ran out of time"):
            Reconciler(porg.client(policy=FAST_RETRY, deadline=deadline), deadline).apply(
                porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
            )
    assert time.monotonic() - started < 5


def test_persistent_5xx_fails_cleanly_within_the_deadline(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(error_rate=1.0, error_status=503, paths=(f"/orgs/{porg.login}",))):
        started = time.monotonic()
        deadline = Deadline(2)
        with pytest.raises(DeadlineExceededError, match="ran out of time while waiting to retry"):
            Reconciler(porg.client(policy=FAST_RETRY, deadline=deadline), deadline).apply(porg.desired())
    assert time.monotonic() - started < 2.5


def test_persistent_5xx_within_the_retry_budget_fails_with_the_status(porg: ProvisioningOrg) -> None:
    faults = Faults(error_rate=1.0, error_status=503, paths=(f"/orgs/{porg.login}",))
    expected = r"GitHub kept failing \(503\) while reading organisation"
    with porg.forge.injecting(faults), pytest.raises(ProvisioningError, match=expected):
        porg.reconciler().apply(porg.desired())


def test_slow_generation_is_waited_for(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(generation_delay_s=0.6)):
        result = porg.reconciler().apply(porg.desired(TemplateKind.LLM_FINE_TUNING))
    assert result.repos[0].created


def test_generation_slower_than_the_bound_fails_cleanly_and_a_retry_finishes(porg: ProvisioningOrg) -> None:
    repos = porg.desired(TemplateKind.LLM_FINE_TUNING)
    with porg.forge.injecting(Faults(generation_delay_s=1.5)):
        with pytest.raises(GenerationTimeoutError, match=r"did not finish generating .* within 0s; retry"):
            porg.reconciler(generation_timeout=0.3).apply(repos)
        time.sleep(1.3)
        assert porg.reconciler().apply(repos).repos[0].created is False


def test_a_variable_post_whose_first_attempt_landed_is_done_when_its_retry_answers_409(
    porg: ProvisioningOrg,
) -> None:
    desired = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    (repo,) = desired
    # Every variable POST is made, then answered 502: the retry finds the variable and GitHub answers 409.
    lost = Faults(
        error_rate=1.0,
        error_status=502,
        errors_after_write=True,
        paths=(f"/repos/{repo.full_name}/actions/variables", f"/repos/{repo.full_name}/environments/dev/variables"),
    )
    with porg.forge.injecting(lost):
        porg.reconciler().apply(desired)
        # What each variable create met: the first attempt made the variable, the retry answered 409.
        with pytest.raises(GithubException) as raised:
            porg.client().get_repo(repo.full_name).create_variable("ANOTHER", "x")
    assert raised.value.status == 409
    gh = porg.org.gh.get_repo(repo.full_name)
    assert {v.name: v.value for v in gh.get_variables()} == {**repo.variables, "ANOTHER": "x"}
    assert {v.name: v.value for v in gh.get_environment("dev").get_variables()} == repo.environments[0].variables
    assert porg.reconciler().apply(desired).changes == []


def test_a_409_on_a_variable_post_with_another_value_updates_the_variable(
    porg: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    desired = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    (repo,) = desired
    porg.reconciler().apply(desired)
    porg.org.gh.get_repo(repo.full_name).delete_variable("ARTIFACT_BUCKET")
    create = Repository.create_variable
    raced: list[str] = []

    def racing_create(self: Repository, name: str, value: str) -> bool:
        # Between our read and our create, another run creates the variable with another value.
        if not raced:
            raced.append(name)
            create(porg.org.gh.get_repo(repo.full_name), name, "someone-else")
        return create(self, name, value)

    monkeypatch.setattr(Repository, "create_variable", racing_create)
    porg.reconciler().apply(desired)
    assert raced == ["ARTIFACT_BUCKET"]
    current = porg.org.gh.get_repo(repo.full_name).get_variable("ARTIFACT_BUCKET").value
    assert current == repo.variables["ARTIFACT_BUCKET"]
