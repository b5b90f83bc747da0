"""Git references through the REST API: how clients create, move and delete branches without a clone."""

from __future__ import annotations

import pytest
from github import GithubException

from tests.fixtures.forge import ForgeOrg


def test_branch_is_created_from_a_sha_and_read_back(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    main = repo.get_branch("main").commit.sha
    created = repo.create_git_ref("refs/heads/release", main)
    assert (created.ref, created.object.sha) == ("refs/heads/release", main)
    assert repo.get_git_ref("heads/release").object.sha == main
    assert "release" in [b.name for b in repo.get_branches()]


def test_existing_ref_is_422(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    with pytest.raises(GithubException) as raised:
        repo.create_git_ref("refs/heads/main", repo.get_branch("main").commit.sha)
    assert raised.value.status == 422
    assert raised.value.data["message"] == "Reference already exists"


def test_unknown_sha_is_422(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).create_git_ref("refs/heads/x", "0" * 40)
    assert raised.value.status == 422


def test_non_fast_forward_move_needs_force(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    old = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/moving", old)
    new = forge_org.admin.commit_files(forge_org.template, {"n.txt": "n\n"})
    ref = repo.get_git_ref("heads/moving")
    ref.edit(new)
    assert repo.get_git_ref("heads/moving").object.sha == new
    with pytest.raises(GithubException) as raised:
        ref.edit(old)
    assert raised.value.status == 422
    ref.edit(old, force=True)
    assert repo.get_git_ref("heads/moving").object.sha == old


def test_deleted_ref_is_gone(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_git_ref("refs/heads/temp", repo.get_branch("main").commit.sha).delete()
    with pytest.raises(GithubException) as raised:
        repo.get_git_ref("heads/temp")
    assert raised.value.status == 404


def test_file_is_updated_then_deleted(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    created = repo.create_file("notes.md", "add", "one\n")["content"]
    updated = repo.update_file("notes.md", "update", "two\n", created.sha)["content"]
    assert repo.get_contents("notes.md").decoded_content == b"two\n"
    repo.delete_file("notes.md", "remove", updated.sha)
    with pytest.raises(GithubException) as raised:
        repo.get_contents("notes.md")
    assert raised.value.status == 404


def test_repo_teams_lists_granted_teams(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    repo = org.create_repo("with-team")
    org.get_team_by_slug(forge_org.team).update_team_repository(repo, "push")
    assert [(t.slug, t.permission) for t in repo.get_teams()] == [("reviewers", "push")]
