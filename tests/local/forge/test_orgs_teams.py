"""Users, organisations and teams as PyGithub reads them."""

from __future__ import annotations

import pytest
from github import GithubException

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_authenticated_user_is_the_token_owner(forge_org: ForgeOrg) -> None:
    assert forge_org.gh.get_user().login == forge_org.owner


def test_other_users_are_readable_by_login(forge_org: ForgeOrg) -> None:
    user = forge_org.gh.get_user(forge_org.member)
    assert (user.login, user.type) == (forge_org.member, "User")


def test_unknown_user_is_404(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        _ = forge_org.gh.get_user("nobody-here").login
    assert raised.value.status == 404


def test_org_is_readable_with_its_login(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    assert org.login == forge_org.login
    assert org.type == "Organization"


def test_org_members_include_owner_and_member(forge_org: ForgeOrg) -> None:
    members = {m.login for m in forge_org.gh.get_organization(forge_org.login).get_members()}
    assert members == {forge_org.owner, forge_org.member}


def test_teams_are_listed_and_found_by_slug(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    assert [t.slug for t in org.get_teams()] == ["reviewers"]
    team = org.get_team_by_slug("reviewers")
    assert [m.login for m in team.get_members()] == [forge_org.member]


def test_unknown_team_slug_is_404(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_organization(forge_org.login).get_team_by_slug("missing")
    assert raised.value.status == 404


def test_team_repository_permission_is_set_and_read_back(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    repo = org.create_repo("granted")
    team = org.get_team_by_slug(forge_org.team)
    assert team.update_team_repository(repo, "maintain") is True
    permissions = team.get_repo_permission(repo)
    assert permissions is not None
    assert (permissions.maintain, permissions.admin) == (True, False)
    assert [r.name for r in team.get_repos()] == ["granted"]


def test_team_without_a_grant_has_no_repo_permission(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    repo = org.create_repo("ungranted")
    assert org.get_team_by_slug(forge_org.team).get_repo_permission(repo) is None


def test_team_repo_permission_put_and_get_over_raw_rest(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    import requests

    forge_org.gh.get_organization(forge_org.login).create_repo("raw")
    url = f"{forge.api_url}/orgs/{forge_org.login}/teams/{forge_org.team}/repos/{forge_org.login}/raw"
    headers = {"Authorization": f"token {forge_org.token}"}
    assert requests.put(url, json={"permission": "push"}, headers=headers, timeout=5).status_code == 204
    got = requests.get(url, headers={**headers, "Accept": "application/vnd.github.v3.repository+json"}, timeout=5)
    assert got.status_code == 200
    assert got.json()["permissions"]["push"] is True
    assert got.json()["role_name"] == "write"
