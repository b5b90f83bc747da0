"""Repository contents and commits, the admin API's guard, and concurrent writers."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
import requests
from github import GithubException

from platform_cli.local.forge import Faults, ForgeAdmin
from platform_cli.local.forge.exceptions import ForgeAdminError
from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_file_created_through_the_api_is_a_commit(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_file("config/project.yaml", "add project config", "name: churn\n", branch="main")
    assert repo.get_contents("config/project.yaml").decoded_content == b"name: churn\n"
    assert repo.get_commits()[0].commit.message == "add project config"


def test_directory_contents_are_listed(forge_org: ForgeOrg) -> None:
    entries = forge_org.gh.get_repo(forge_org.template).get_contents(".github/workflows")
    assert [(e.type, e.path) for e in entries] == [("file", ".github/workflows/build.yml")]


def test_missing_file_is_404(forge_org: ForgeOrg) -> None:
    with pytest.raises(GithubException) as raised:
        forge_org.gh.get_repo(forge_org.template).get_contents("nope.txt")
    assert raised.value.status == 404


def test_admin_api_refuses_a_wrong_admin_token(forge: ForgeEnv) -> None:
    with pytest.raises(ForgeAdminError, match="401"):
        ForgeAdmin(forge.url, "wrong").create_user(forge.unique("intruder"))


def test_admin_health_needs_no_token(forge: ForgeEnv) -> None:
    assert requests.get(f"{forge.url}/_forge/health", timeout=5).json() == {"ok": True}


def test_concurrent_writers_all_land(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo_url = f"{forge.api_url}/repos/{forge_org.template}/actions/variables"
    tokens = [forge.admin.create_token(forge_org.owner) for _ in range(20)]
    statuses: list[int] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        response = requests.post(
            repo_url,
            json={"name": f"C{index}", "value": str(index)},
            headers={"Authorization": f"token {tokens[index]}"},
            timeout=30,
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 20
    assert sorted(v.name for v in forge_org.gh.get_repo(forge_org.template).get_variables()) == sorted(
        f"C{i}" for i in range(20)
    )


def test_generated_repo_clones_empty_until_generation_finishes(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path
) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    with forge.injecting(Faults(generation_delay_s=30)):
        org.create_repo_from_template("pending", forge_org.gh.get_repo(forge_org.template))
    host = forge.url.removeprefix("http://")
    listed = subprocess.run(
        ["git", "ls-remote", f"http://x:{forge_org.token}@{host}/{forge_org.login}/pending.git"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout == ""
