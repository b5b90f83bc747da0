"""Repositories: create, read, edit, archive, delete, topics, template generation and collaborators."""

from __future__ import annotations

import pytest
import requests
from github import GithubException

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_create_repo_in_org_answers_201_with_location(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.post(
        f"{forge.api_url}/orgs/{forge_org.login}/repos",
        json={"name": "made", "private": True},
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    )
    assert response.status_code == 201
    assert response.headers["Location"] == f"{forge.api_url}/repos/{forge_org.login}/made"
    assert response.json()["private"] is True


def test_created_repo_reads_back_with_its_settings(forge_org: ForgeOrg) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("svc", private=True, description="a service")
    repo = forge_org.gh.get_repo(f"{forge_org.login}/svc")
    assert (repo.private, repo.description, repo.default_branch) == (True, "a service", "main")
    assert repo.permissions.admin is True


def test_creating_an_existing_name_is_422(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    org.create_repo("twice")
    with pytest.raises(GithubException) as raised:
        org.create_repo("twice")
    assert raised.value.status == 422


def test_edit_archives_and_flags_template(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("editable")
    repo.edit(is_template=True, description="now a template")
    repo.edit(archived=True)
    fresh = forge_org.gh.get_repo(repo.full_name)
    assert (fresh.archived, fresh.is_template, fresh.description) == (True, True, "now a template")


def test_archived_repo_refuses_further_edits(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("frozen")
    repo.edit(archived=True)
    with pytest.raises(GithubException) as raised:
        repo.edit(description="late")
    assert raised.value.status == 403


def test_delete_removes_the_repo(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("doomed")
    repo.delete()
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(repo.full_name)
    assert raised.value.status == 404


def test_topics_are_replaced_and_read(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.replace_topics(["mlops", "sagemaker"])
    assert repo.get_topics() == ["mlops", "sagemaker"]


def test_invalid_topic_is_422(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).replace_topics(["Not Valid"])
    assert raised.value.status == 422


def test_generate_from_template_copies_content_as_one_fresh_commit(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    template = forge_org.gh.get_repo(forge_org.template)
    forge_org.admin.commit_files(forge_org.template, {"extra.txt": "second commit\n"})
    created = org.create_repo_from_template("churn-1-build", template, private=True, description="from template")
    assert (created.private, created.description, created.template_repository.full_name) == (
        True,
        "from template",
        forge_org.template,
    )
    commits = list(created.get_commits())
    assert len(commits) == 1
    assert commits[0].sha != template.get_branch("main").commit.sha
    assert created.get_contents("extra.txt").decoded_content == b"second commit\n"


def test_generate_from_a_non_template_is_422(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    plain = org.create_repo("plain", auto_init=True)
    with pytest.raises(GithubException) as raised:
        org.create_repo_from_template("copy", plain)
    assert raised.value.status == 422


def test_generate_into_an_existing_name_is_422(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    template = forge_org.gh.get_repo(forge_org.template)
    org.create_repo_from_template("dup", template)
    with pytest.raises(GithubException) as raised:
        org.create_repo_from_template("dup", template)
    assert raised.value.status == 422


def test_collaborator_is_added_checked_and_removed(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    outsider = forge.unique("outsider")
    forge.admin.create_user(outsider)
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("collab", private=True)
    assert repo.has_in_collaborators(outsider) is False
    repo.add_to_collaborators(outsider, "push")
    assert repo.has_in_collaborators(outsider) is True
    assert repo.get_collaborator_permission(outsider) == "write"
    assert outsider in {c.login for c in repo.get_collaborators()}
    repo.remove_from_collaborators(outsider)
    assert repo.has_in_collaborators(outsider) is False


def test_archived_repo_refuses_new_variables(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("read-only")
    repo.edit(archived=True)
    with pytest.raises(GithubException) as raised:
        repo.create_variable("LATE", "x")
    assert raised.value.status == 403
    assert raised.value.data["message"] == "Repository was archived so is read-only."


def test_archived_repo_can_be_unarchived(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("revived")
    repo.edit(archived=True)
    repo.edit(archived=False)
    repo.create_variable("AGAIN", "y")
    assert repo.get_variable("AGAIN").value == "y"
