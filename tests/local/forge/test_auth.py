"""Authentication and authorisation answer like GitHub: 401 on bad tokens, 404 for what the caller cannot see,
403 for what it may see but not change, scopes reported for classic PATs."""

from __future__ import annotations

import pytest
import requests
from github import Auth, Github, GithubException

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_token_and_bearer_schemes_both_authenticate(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    for scheme in ("token", "Bearer"):
        response = requests.get(
            f"{forge.api_url}/user", headers={"Authorization": f"{scheme} {forge_org.token}"}, timeout=5
        )
        assert response.status_code == 200
        assert response.json()["login"] == forge_org.owner


def test_unknown_token_is_401_bad_credentials(forge: ForgeEnv) -> None:
    response = requests.get(f"{forge.api_url}/user", headers={"Authorization": "token nope"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"
    assert response.json()["documentation_url"].startswith("https://docs.github.com/")


def test_pygithub_raises_bad_credentials_for_unknown_token(forge: ForgeEnv) -> None:
    with pytest.raises(GithubException) as raised:
        _ = Github(base_url=forge.api_url, auth=Auth.Token("ghp_unknown"), retry=None).get_user().login
    assert raised.value.status == 401


def test_classic_pat_reports_its_scopes(forge_org: ForgeOrg) -> None:
    _ = forge_org.gh.get_user().login
    assert forge_org.gh.oauth_scopes == ["repo", "admin:org", "workflow", "delete_repo"]


def test_token_without_scopes_reports_no_scope_header(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    gh = forge.github(forge_org.member_token)
    _ = gh.get_user().login
    assert gh.oauth_scopes is None


def test_private_repo_is_404_for_a_user_outside_the_org(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("secret-repo", private=True)
    stranger = forge.admin.create_user(forge.unique("stranger"))
    with pytest.raises(GithubException) as raised:
        forge.github(stranger).get_repo(f"{forge_org.login}/secret-repo")
    assert raised.value.status == 404
    assert raised.value.data["message"] == "Not Found"


def test_private_repo_is_404_for_anonymous_callers(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("hidden", private=True)
    anonymous = Github(base_url=forge.api_url, retry=None)
    with pytest.raises(GithubException) as raised:
        anonymous.get_repo(f"{forge_org.login}/hidden")
    assert raised.value.status == 404
    assert anonymous.get_repo(forge_org.template).name == "model-build"  # public repos are readable


def test_member_with_read_access_gets_403_on_admin_only_calls(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("shared", private=True)
    repo = forge.github(forge_org.member_token).get_repo(f"{forge_org.login}/shared")
    with pytest.raises(GithubException) as raised:
        repo.create_variable("X", "1")
    assert raised.value.status == 403


def test_member_cannot_set_org_variables(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    org = forge.github(forge_org.member_token).get_organization(forge_org.login)
    with pytest.raises(GithubException) as raised:
        org.create_variable("MLOPS_AWS_REGION", "eu-west-1")
    assert raised.value.status == 403


def test_classic_pat_without_admin_org_scope_cannot_set_org_variables(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    narrow = forge.admin.create_token(forge_org.owner, scopes=["repo"])
    with pytest.raises(GithubException) as raised:
        forge.github(narrow).get_organization(forge_org.login).create_variable("A", "1")
    assert raised.value.status == 403
    assert "admin:org" in raised.value.data["message"]


def test_classic_pat_without_delete_repo_scope_cannot_delete(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    narrow = forge.admin.create_token(forge_org.owner, scopes=["repo"])
    with pytest.raises(GithubException) as raised:
        forge.github(narrow).get_repo(forge_org.template).delete()
    assert raised.value.status == 403


def test_team_grant_gives_its_members_access(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    repo = org.create_repo("team-owned", private=True)
    org.get_team_by_slug(forge_org.team).update_team_repository(repo, "admin")
    member_view = forge.github(forge_org.member_token).get_repo(repo.full_name)
    member_view.create_variable("BY_TEAM", "yes")
    assert member_view.permissions.admin is True
