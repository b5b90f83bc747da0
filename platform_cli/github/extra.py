"""The few GitHub REST calls PyGithub (2.x) lacks, made through the client's own requester (same auth,
retry policy, pacing and base URL)."""

from __future__ import annotations

import urllib.parse
from typing import Any

from github.Repository import Repository


def _environment_url(repo: Repository, environment: str) -> str:
    return f"{repo.url}/environments/{urllib.parse.quote(environment, safe='')}"


def put_environment(repo: Repository, environment: str, body: dict[str, Any]) -> None:
    """``PUT /repos/{o}/{r}/environments/{env}`` with the fields PyGithub's ``create_environment`` lacks
    (``can_admins_bypass``)."""
    repo.requester.requestJsonAndCheck("PUT", _environment_url(repo, environment), input=body)


def list_deployment_branch_policies(repo: Repository, environment: str) -> list[dict[str, Any]]:
    """``GET /repos/{o}/{r}/environments/{env}/deployment-branch-policies`` → the custom policies."""
    _, data = repo.requester.requestJsonAndCheck(
        "GET", f"{_environment_url(repo, environment)}/deployment-branch-policies", parameters={"per_page": 100}
    )
    policies = data.get("branch_policies", []) if isinstance(data, dict) else []
    return [dict(policy) for policy in policies]


def create_deployment_branch_policy(repo: Repository, environment: str, name: str, kind: str = "branch") -> None:
    """``POST /repos/{o}/{r}/environments/{env}/deployment-branch-policies``."""
    repo.requester.requestJsonAndCheck(
        "POST",
        f"{_environment_url(repo, environment)}/deployment-branch-policies",
        input={"name": name, "type": kind},
    )


def delete_deployment_branch_policy(repo: Repository, environment: str, policy_id: int) -> None:
    repo.requester.requestJsonAndCheck(
        "DELETE", f"{_environment_url(repo, environment)}/deployment-branch-policies/{policy_id}"
    )
