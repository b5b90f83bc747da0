"""Branches and branch protection; workflows read from the repository and dispatches recorded."""

from __future__ import annotations

import pytest
import requests
from github import GithubException

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_branch_protection_is_stored_and_read_back(forge_org: ForgeOrg) -> None:
    branch = forge_org.gh.get_repo(forge_org.template).get_branch("main")
    branch.edit_protection(strict=True, contexts=["build"], enforce_admins=True, required_approving_review_count=2)
    protection = branch.get_protection()
    assert protection.required_status_checks.strict is True
    assert protection.required_status_checks.contexts == ["build"]
    assert protection.enforce_admins is True
    assert protection.required_pull_request_reviews.required_approving_review_count == 2
    assert forge_org.gh.get_repo(forge_org.template).get_branch("main").protected is True


def test_unprotected_branch_protection_is_404(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).get_branch("main").get_protection()
    assert raised.value.status == 404
    assert raised.value.data["message"] == "Branch not protected"


def test_removed_protection_is_gone(forge_org: ForgeOrg) -> None:
    branch = forge_org.gh.get_repo(forge_org.template).get_branch("main")
    branch.edit_protection(enforce_admins=True)
    branch.remove_protection()
    assert forge_org.gh.get_repo(forge_org.template).get_branch("main").protected is False


def test_protection_put_needs_the_four_required_keys(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.put(
        f"{forge.api_url}/repos/{forge_org.template}/branches/main/protection",
        json={"enforce_admins": True},
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    )
    assert response.status_code == 422


def test_unknown_branch_is_404(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).get_branch("nope")
    assert raised.value.status == 404


def test_workflows_are_listed_from_the_default_branch(forge_org: ForgeOrg) -> None:
    forge_org.admin.commit_files(
        forge_org.template,
        {".github/workflows/deploy.yaml": "name: Deploy\non: push\njobs: {}\n", ".github/workflows/notes.txt": "x"},
    )
    workflows = forge_org.gh.get_repo(forge_org.template).get_workflows()
    assert [(w.name, w.path) for w in workflows] == [
        ("Build", ".github/workflows/build.yml"),
        ("Deploy", ".github/workflows/deploy.yaml"),
    ]


def test_workflow_is_found_by_file_name_and_by_id(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    by_name = repo.get_workflow("build.yml")
    assert repo.get_workflow(by_name.id).path == ".github/workflows/build.yml"


def test_workflow_dispatch_is_recorded_with_ref_and_inputs(forge_org: ForgeOrg) -> None:
    workflow = forge_org.gh.get_repo(forge_org.template).get_workflow("build.yml")
    assert workflow.create_dispatch("main", {"level": "debug"}) is True
    [event] = forge_org.admin.dispatches(forge_org.template)
    assert event["event"] == "workflow_dispatch"
    assert (event["workflow"], event["ref"], event["inputs"], event["actor"]) == (
        ".github/workflows/build.yml",
        "refs/heads/main",
        {"level": "debug"},
        forge_org.owner,
    )


@pytest.mark.parametrize(
    ("ref", "inputs", "message"),
    [
        ("nope", {"level": "x"}, "No ref found for: nope"),
        ("main", {}, "Required input 'level' not provided"),
        ("main", {"level": "x", "extra": "y"}, "Unexpected inputs provided: ['extra']"),
    ],
)
def test_invalid_workflow_dispatch_is_422(forge_org: ForgeOrg, ref: str, inputs: dict[str, str], message: str) -> None:
    workflow = forge_org.gh.get_repo(forge_org.template).get_workflow("build.yml")
    with pytest.raises(GithubException) as raised:
        workflow.create_dispatch(ref, inputs, throw=True)
    assert raised.value.status == 422
    assert raised.value.data["message"] == message
    assert forge_org.admin.dispatches(forge_org.template) == []


def test_workflow_without_dispatch_trigger_is_422(forge_org: ForgeOrg) -> None:
    forge_org.admin.commit_files(forge_org.template, {".github/workflows/ci.yml": "name: CI\non: [push]\njobs: {}\n"})
    workflow = forge_org.gh.get_repo(forge_org.template).get_workflow("ci.yml")
    assert workflow.create_dispatch("main") is False


def test_repository_dispatch_is_recorded(forge_org: ForgeOrg) -> None:
    forge_org.gh.get_repo(forge_org.template).create_repository_dispatch(
        "model-approved", {"model_package_arn": "arn:x"}
    )
    [event] = forge_org.admin.dispatches(forge_org.template)
    assert (event["event"], event["event_type"], event["client_payload"]) == (
        "repository_dispatch",
        "model-approved",
        {"model_package_arn": "arn:x"},
    )


def test_read_only_member_cannot_dispatch(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo = forge.github(forge_org.member_token).get_repo(forge_org.template)
    assert repo.create_repository_dispatch("x") is False
    assert forge_org.admin.dispatches(forge_org.template) == []
