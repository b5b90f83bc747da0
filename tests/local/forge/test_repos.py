"""Repositories: create, read, edit, archive, delete, topics, template generation and collaborators."""

from __future__ import annotations

import pytest
from github import GithubException

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_create_repo_in_org_answers_201_with_location(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    status, headers, body = forge_org.gh.requester.requestJson(
        "POST", f"/orgs/{forge_org.login}/repos", input={"name": "made", "private": True}
    )
    assert status == 201
    assert headers["location"] == f"{forge.api_url}/repos/{forge_org.login}/made"
    assert '"private":true' in body


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


def test_org_member_becomes_collaborator_at_once(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("member-access", private=True)
    assert repo.add_to_collaborators(forge_org.member, "push") is None  # 204: no invitation
    assert repo.get_collaborator_permission(forge_org.member) == "write"
    assert forge_org.member in {c.login for c in repo.get_collaborators()}


def test_outside_collaborator_is_invited_then_accepts(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    outsider = forge.unique("outsider")
    outsider_token = forge.admin.create_user(outsider)
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("collab", private=True)
    invitation = repo.add_to_collaborators(outsider, "push")
    assert invitation is not None
    assert invitation.permissions == "write"
    assert [i.invitee.login for i in repo.get_pending_invitations()] == [outsider]
    assert repo.has_in_collaborators(outsider) is False
    invitee = forge.github(outsider_token).get_user()
    assert [i.id for i in invitee.get_invitations()] == [invitation.id]
    invitee.accept_invitation(invitation.id)
    assert repo.has_in_collaborators(outsider) is True
    assert repo.get_collaborator_permission(outsider) == "write"
    assert list(repo.get_pending_invitations()) == []


def test_removing_a_collaborator_cancels_the_invitation(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    outsider = forge.unique("outsider")
    forge.admin.create_user(outsider)
    repo = forge_org.gh.get_organization(forge_org.login).create_repo("uninvite", private=True)
    repo.add_to_collaborators(outsider, "pull")
    repo.remove_from_collaborators(outsider)
    assert list(repo.get_pending_invitations()) == []
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
