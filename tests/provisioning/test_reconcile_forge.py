"""Reconcile against the local forge with unmodified PyGithub: every template kind, idempotence, settings."""

from __future__ import annotations

import pytest

from platform_cli.config import TemplateKind
from platform_cli.github import metering
from tests.provisioning.conftest import ProvisioningOrg


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_create_then_reconcile_again_makes_zero_writes(
    porg: ProvisioningOrg, meter: metering.Meter, kind: TemplateKind
) -> None:
    repos = porg.desired(kind)
    reconciler = porg.reconciler()
    with meter.active():
        first = reconciler.apply(repos)
    assert all(outcome.created for outcome in first.repos)
    assert meter.writes, "the first run writes"
    meter.reset()
    with meter.active():
        second = porg.reconciler().apply(repos)
    assert meter.writes == []
    assert second.changes == []
    assert [o.created for o in second.repos] == [False] * len(repos)


def test_created_repos_come_from_their_template_and_are_private(porg: ProvisioningOrg) -> None:
    repos = porg.desired()
    result = porg.reconciler().apply(repos)
    gh = porg.org.gh
    for desired, outcome in zip(repos, result.repos, strict=True):
        repo = gh.get_repo(desired.full_name)
        assert repo.private
        assert repo.description == desired.description
        assert sorted(repo.get_topics()) == sorted(desired.topics)
        assert repo.get_contents("README.md").decoded_content.decode() == f"# {desired.template_repo} template\n"
        assert outcome.clone_url == repo.clone_url


def test_repo_and_environment_variables_match_the_contract(porg: ProvisioningOrg) -> None:
    build, deploy = porg.desired()
    porg.reconciler().apply([build, deploy])
    repo = porg.org.gh.get_repo(deploy.full_name)
    assert {v.name: v.value for v in repo.get_variables()} == deploy.variables
    for env in deploy.environments:
        variables = {v.name: v.value for v in repo.get_environment(env.name).get_variables()}
        assert variables == env.variables


def test_preprod_and_prod_require_the_reviewers_team_without_self_review_from_main_only(porg: ProvisioningOrg) -> None:
    _, deploy = porg.desired()
    porg.reconciler().apply([deploy])
    repo = porg.org.gh.get_repo(deploy.full_name)
    team_id = porg.org.gh.get_organization(porg.login).get_team_by_slug(porg.org.team).id
    for name in ("preprod", "prod"):
        env = repo.get_environment(name)
        rules = [r for r in env.raw_data["protection_rules"] if r["type"] == "required_reviewers"]
        assert len(rules) == 1
        assert rules[0]["prevent_self_review"] is True
        assert [(r["type"], r["reviewer"]["id"]) for r in rules[0]["reviewers"]] == [("Team", team_id)]
        # Protected branches only (issue 16: no branch policy to write per environment) ...
        assert env.raw_data["deployment_branch_policy"] == {"protected_branches": True, "custom_branch_policies": False}
    # ... and main is the one protected branch.
    assert [branch.name for branch in repo.get_branches() if branch.protected] == ["main"]
    dev = repo.get_environment("dev")
    assert not [r for r in dev.raw_data["protection_rules"] if r["type"] == "required_reviewers"]


def test_access_maintainers_maintain_requester_write_never_admin(porg: ProvisioningOrg) -> None:
    (repo_state,) = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    porg.reconciler().apply([repo_state])
    gh = porg.org.gh
    repo = gh.get_repo(repo_state.full_name)
    org = gh.get_organization(porg.login)
    permissions = org.get_team_by_slug(porg.maintainers).get_repo_permission(repo)
    assert permissions is not None and permissions.maintain and not permissions.admin
    assert repo.get_collaborator_permission(porg.org.member) == "write"


def test_default_branch_is_protected(porg: ProvisioningOrg) -> None:
    (state,) = porg.desired(TemplateKind.PIPELINE_PROMOTION)
    porg.reconciler().apply([state])
    protection = porg.org.gh.get_repo(state.full_name).get_branch("main").get_protection()
    assert protection.required_pull_request_reviews.required_approving_review_count == 1
    assert protection.enforce_admins is True


def test_extra_secrets_decrypt_to_their_values_on_the_forge(porg: ProvisioningOrg) -> None:
    (state,) = porg.desired(TemplateKind.LLM_FINE_TUNING, extra_secrets={"HF_TOKEN": "hf-value-123"})
    porg.reconciler().apply([state])
    assert porg.forge.admin.secrets(state.full_name) == {"HF_TOKEN": "hf-value-123"}


def test_drift_is_repaired_with_only_the_needed_writes(porg: ProvisioningOrg, meter: metering.Meter) -> None:
    (state,) = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    porg.reconciler().apply([state])
    repo = porg.org.gh.get_repo(state.full_name)
    repo.get_variable("ARTIFACT_BUCKET").edit("tampered")
    with meter.active():
        result = porg.reconciler().apply([state])
    assert result.changes == [f"{state.full_name}: variable ARTIFACT_BUCKET"]
    assert [verb for verb, _ in meter.writes] == ["PATCH"]
    assert repo.get_variable("ARTIFACT_BUCKET").value == state.variables["ARTIFACT_BUCKET"]


def test_a_requester_made_admin_by_hand_is_set_back_to_write(porg: ProvisioningOrg) -> None:
    (state,) = porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    porg.reconciler().apply([state])
    repo = porg.org.gh.get_repo(state.full_name)
    repo.add_to_collaborators(porg.org.member, permission="admin")
    assert repo.get_collaborator_permission(porg.org.member) == "admin"
    result = porg.reconciler().apply([state])
    assert result.changes == [f"{state.full_name}: user {porg.org.member} push"]
    assert repo.get_collaborator_permission(porg.org.member) == "write"
