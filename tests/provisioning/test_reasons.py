"""Each failure reason names its real cause (issue 15, item 11), and no reason, log or exception carries the
token, even under injected faults (canary)."""

from __future__ import annotations

import logging

import pytest

from platform_cli.config import TemplateKind
from platform_cli.github.client import ClientPolicy
from platform_cli.github.deadline import Deadline
from platform_cli.local.forge import Faults
from platform_cli.provisioning.exceptions import DeadlineExceededError, GitHubAccessError, ProvisioningError
from platform_cli.provisioning.reconcile import Reconciler
from tests.provisioning.conftest import ProvisioningOrg

FAST_RETRY = ClientPolicy(seconds_between_writes=0.0, backoff_factor=0.01, secondary_rate_wait=1.0, retries=10)


def _project_repos(porg: ProvisioningOrg) -> list[str]:
    return [r.name for r in porg.org.gh.get_organization(porg.login).get_repos() if "-p-" in r.name]


def test_a_token_without_the_repo_scope_is_named_not_a_missing_template(porg: ProvisioningOrg) -> None:
    porg.org.gh.get_repo(f"{porg.login}/single-account-training").edit(private=True)
    weak = porg.forge.admin.create_token(porg.org.owner, scopes=[])
    with pytest.raises(GitHubAccessError) as raised:
        porg.reconciler(token=weak).apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING))
    assert "has no 'repo' scope" in str(raised.value)
    assert "does not exist" not in str(raised.value)
    assert weak not in str(raised.value)
    assert _project_repos(porg) == []


def test_a_token_of_a_non_member_is_named_not_a_missing_team(porg: ProvisioningOrg) -> None:
    outsider = porg.forge.unique("outsider")
    token = porg.forge.admin.create_user(outsider, scopes=["repo", "admin:org", "workflow"])
    with pytest.raises(GitHubAccessError) as raised:
        porg.reconciler(token=token).apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING))
    assert str(raised.value).startswith(
        f"the GitHub token belongs to {outsider}, who is not a member of organisation {porg.login}"
    )
    assert token not in str(raised.value)
    assert _project_repos(porg) == []


def test_persistent_502s_are_named_when_time_runs_out(porg: ProvisioningOrg) -> None:
    with porg.forge.injecting(Faults(error_rate=1.0, error_status=502, paths=(f"/orgs/{porg.login}",))):
        deadline = Deadline(2)
        with pytest.raises(DeadlineExceededError) as raised:
            Reconciler(porg.client(policy=FAST_RETRY, deadline=deadline), deadline).apply(porg.desired())
    assert "ran out of time" in str(raised.value) and "GitHub answered 502" in str(raised.value)


@pytest.mark.parametrize(
    "faults",
    [
        Faults(error_rate=1.0, error_status=502),
        Faults(error_rate=1.0, error_status=500, paths=("/repos",)),
        Faults(error_rate=1.0, error_status=403),
    ],
    ids=["502-everywhere", "500-on-repos", "403-everywhere"],
)
def test_a_canary_token_never_reaches_a_reason_log_or_exception_under_faults(
    porg: ProvisioningOrg, caplog: pytest.LogCaptureFixture, faults: Faults
) -> None:
    canary = porg.forge.admin.create_token(porg.org.owner, scopes=["repo", "admin:org", "workflow"])
    caplog.set_level(logging.DEBUG)
    deadline = Deadline(2)
    with porg.forge.injecting(faults), pytest.raises(ProvisioningError) as raised:
        Reconciler(porg.client(canary, policy=FAST_RETRY, deadline=deadline), deadline).apply(
            porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
        )
    assert canary not in str(raised.value) and canary not in repr(raised.value)
    assert canary not in repr(raised.value.__cause__) and canary not in repr(raised.value.__context__)
    assert canary not in caplog.text
