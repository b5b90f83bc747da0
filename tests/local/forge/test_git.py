"""Repositories are real git repositories over smart HTTP: clone, push, and the API sees what was pushed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fixtures.forge import ForgeEnv, ForgeOrg

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=check)


def url(forge: ForgeEnv, full_name: str, token: str | None = None) -> str:
    host = forge.url.removeprefix("http://")
    return f"http://x-access-token:{token}@{host}/{full_name}.git" if token else f"http://{host}/{full_name}.git"


def test_public_repo_clones_anonymously(forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path) -> None:
    git("clone", "-q", url(forge, forge_org.template), str(tmp_path / "c"))
    assert (tmp_path / "c" / ".github" / "workflows" / "build.yml").exists()


def test_private_repo_needs_a_token_to_clone(forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("priv", private=True, auto_init=True)
    refused = git("clone", "-q", url(forge, f"{forge_org.login}/priv"), str(tmp_path / "a"), check=False)
    assert refused.returncode != 0
    git("clone", "-q", url(forge, f"{forge_org.login}/priv", forge_org.token), str(tmp_path / "b"))
    assert (tmp_path / "b" / "README.md").read_text() == "# priv\n"


def test_push_with_token_updates_the_branch_the_api_reports(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path
) -> None:
    work = tmp_path / "w"
    git("clone", "-q", url(forge, forge_org.template, forge_org.token), str(work))
    (work / "train.py").write_text("print('train')\n")
    git("add", "train.py", cwd=work)
    git("commit", "-q", "-m", "add training", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    head = git("rev-parse", "HEAD", cwd=work).stdout.strip()
    assert forge_org.gh.get_repo(forge_org.template).get_branch("main").commit.sha == head


def test_push_of_a_new_branch_is_listed(forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path) -> None:
    work = tmp_path / "w"
    git("clone", "-q", url(forge, forge_org.template, forge_org.token), str(work))
    git("push", "-q", "origin", "HEAD:refs/heads/feature/x", cwd=work)
    assert [b.name for b in forge_org.gh.get_repo(forge_org.template).get_branches()] == ["feature/x", "main"]
    assert forge_org.gh.get_repo(forge_org.template).get_branch("feature/x").name == "feature/x"


@pytest.mark.parametrize("who", ["anonymous", "read-only member"])
def test_push_without_write_access_is_refused(forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, who: str) -> None:
    work = tmp_path / "w"
    git("clone", "-q", url(forge, forge_org.template), str(work))
    token = forge_org.member_token if who == "read-only member" else None
    git("remote", "set-url", "origin", url(forge, forge_org.template, token), cwd=work)
    git("commit", "-q", "--allow-empty", "-m", "nope", cwd=work)
    refused = git("push", "-q", "origin", "main", cwd=work, check=False)
    assert refused.returncode != 0


def test_first_push_into_an_empty_repo_creates_its_default_branch(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path
) -> None:
    forge_org.gh.get_organization(forge_org.login).create_repo("empty")
    work = tmp_path / "w"
    git("init", "-q", "-b", "main", str(work))
    (work / "a.txt").write_text("a\n")
    git("add", "a.txt", cwd=work)
    git("commit", "-q", "-m", "first", cwd=work)
    git("push", "-q", url(forge, f"{forge_org.login}/empty", forge_org.token), "main", cwd=work)
    repo = forge_org.gh.get_repo(f"{forge_org.login}/empty")
    assert repo.get_branch("main").commit.commit.message == "first"


def test_generated_repo_clones_with_the_template_files(forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    org.create_repo_from_template("gen", forge_org.gh.get_repo(forge_org.template), private=True)
    git("clone", "-q", url(forge, f"{forge_org.login}/gen", forge_org.token), str(tmp_path / "g"))
    log = git("log", "--format=%s", cwd=tmp_path / "g").stdout.splitlines()
    assert log == ["Initial commit"]
    assert (tmp_path / "g" / "README.md").read_text() == "# model-build template\n"


def test_classic_token_without_workflow_scope_cannot_push_workflow_changes(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path
) -> None:
    narrow = forge.admin.create_token(forge_org.owner, scopes=["repo"])
    work = tmp_path / "w"
    git("clone", "-q", url(forge, forge_org.template, narrow), str(work))
    (work / "notes.txt").write_text("fine\n")
    git("add", "notes.txt", cwd=work)
    git("commit", "-q", "-m", "plain change", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    (work / ".github" / "workflows" / "build.yml").write_text("name: Changed\non: push\njobs: {}\n")
    git("commit", "-q", "-am", "workflow change", cwd=work)
    refused = git("push", "-q", "origin", "main", cwd=work, check=False)
    assert refused.returncode != 0
    assert "without `workflow` scope" in refused.stderr
    assert forge_org.gh.get_repo(forge_org.template).get_workflow("build.yml").name == "Build"


def test_classic_token_without_workflow_scope_may_push_a_branch_with_unchanged_workflows(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path
) -> None:
    narrow = forge.admin.create_token(forge_org.owner, scopes=["repo"])
    work = tmp_path / "w"
    git("clone", "-q", url(forge, forge_org.template, narrow), str(work))
    (work / "feature.txt").write_text("f\n")
    git("add", "feature.txt", cwd=work)
    git("commit", "-q", "-m", "feature", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/feature", cwd=work)
    assert forge_org.gh.get_repo(forge_org.template).get_branch("feature").commit.commit.message == "feature"
