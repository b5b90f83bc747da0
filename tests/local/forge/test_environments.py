"""Deployment environments: reviewers, wait timer, self-review, branch policies (protected or custom)."""

from __future__ import annotations

import pytest
import requests
from github import GithubException
from github.EnvironmentDeploymentBranchPolicy import EnvironmentDeploymentBranchPolicyParams
from github.EnvironmentProtectionRuleReviewer import ReviewerParams

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_environment_with_team_reviewers_and_wait_timer(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    team = forge_org.gh.get_organization(forge_org.login).get_team_by_slug(forge_org.team)
    repo.create_environment(
        "prod",
        wait_timer=30,
        reviewers=[ReviewerParams("Team", team.id)],
        prevent_self_review=True,
        deployment_branch_policy=EnvironmentDeploymentBranchPolicyParams(protected_branches=True),
    )
    env = repo.get_environment("prod")
    rules = {rule.type: rule for rule in env.protection_rules}
    assert set(rules) == {"required_reviewers", "wait_timer", "branch_policy"}
    assert rules["wait_timer"].wait_timer == 30
    assert [(r.type, r.reviewer.slug) for r in rules["required_reviewers"].reviewers] == [("Team", "reviewers")]
    assert rules["required_reviewers"].raw_data["prevent_self_review"] is True
    assert env.deployment_branch_policy.protected_branches is True


def test_user_reviewer_is_reported_as_user(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    member = forge_org.gh.get_user(forge_org.member)
    env = repo.create_environment("preprod", reviewers=[ReviewerParams("User", member.id)])
    reviewers = [r for rule in env.protection_rules if rule.type == "required_reviewers" for r in rule.reviewers]
    assert [(r.type, r.reviewer.login) for r in reviewers] == [("User", forge_org.member)]


def test_unknown_reviewer_is_422(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).create_environment(
            "prod", reviewers=[ReviewerParams("Team", 999999999)]
        )
    assert raised.value.status == 422


def test_both_branch_policy_kinds_at_once_is_422(forge_org: ForgeOrg) -> None:
    policy = EnvironmentDeploymentBranchPolicyParams(protected_branches=True, custom_branch_policies=True)
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).create_environment("prod", deployment_branch_policy=policy)
    assert raised.value.status == 422


def test_put_again_updates_the_environment(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_environment("dev", wait_timer=5)
    repo.create_environment("dev", wait_timer=0)
    assert [rule.type for rule in repo.get_environment("dev").protection_rules] == []
    assert [e.name for e in repo.get_environments()] == ["dev"]


def test_deleted_environment_is_404(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_environment("gone")
    repo.delete_environment("gone")
    with pytest.raises(GithubException) as raised:
        repo.get_environment("gone")
    assert raised.value.status == 404


def test_environments_list_is_paginated(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    for name in ("dev", "preprod", "prod"):
        repo.create_environment(name)
    forge_org.gh.per_page = 1
    assert [e.name for e in repo.get_environments()] == ["dev", "preprod", "prod"]


def test_custom_deployment_branch_policies(forge_org: ForgeOrg) -> None:
    # PyGithub has no methods for these; clients go through its requester, as platform_cli.github.extra does.
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_environment(
        "prod", deployment_branch_policy=EnvironmentDeploymentBranchPolicyParams(custom_branch_policies=True)
    )
    url = f"{repo.url}/environments/prod/deployment-branch-policies"
    _, created = repo.requester.requestJsonAndCheck("POST", url, input={"name": "release/*", "type": "branch"})
    assert (created["name"], created["type"]) == ("release/*", "branch")
    _, listed = repo.requester.requestJsonAndCheck("GET", url)
    assert listed["total_count"] == 1
    assert [p["name"] for p in listed["branch_policies"]] == ["release/*"]
    item = f"{url}/{created['id']}"
    _, updated = repo.requester.requestJsonAndCheck("PUT", item, input={"name": "main"})
    assert updated["name"] == "main"
    repo.requester.requestJsonAndCheck("DELETE", item)
    assert repo.requester.requestJsonAndCheck("GET", url)[1]["total_count"] == 0


def test_duplicate_custom_policy_is_303_see_other(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_environment(
        "prod", deployment_branch_policy=EnvironmentDeploymentBranchPolicyParams(custom_branch_policies=True)
    )
    url = f"{repo.url}/environments/prod/deployment-branch-policies"
    _, first = repo.requester.requestJsonAndCheck("POST", url, input={"name": "main"})
    status, headers, _ = repo.requester.requestJson("POST", url, input={"name": "main"})
    assert status == 303
    assert headers["location"] == f"{url}/{first['id']}"
    assert repo.requester.requestJsonAndCheck("GET", url)[1]["total_count"] == 1


def test_custom_policy_needs_custom_branch_policies_enabled(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    forge_org.gh.get_repo(forge_org.template).create_environment("dev")
    response = requests.post(
        f"{forge.api_url}/repos/{forge_org.template}/environments/dev/deployment-branch-policies",
        json={"name": "main"},
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    )
    assert response.status_code == 404
