"""Publish the kit's repositories into the organisation: ``base-infrastructure`` and each template repository
(marked as a GitHub template repository), plus the org-level Actions variables. Idempotent: a second run with
the same content makes no API writes and pushes nothing.

Content goes over git smart HTTPS with the token handed to git through ``GIT_ASKPASS`` and an environment
variable of the git child process only: never on a command line, never in a remote URL, never in git config.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from github import Github
from github.EnvironmentDeploymentBranchPolicy import EnvironmentDeploymentBranchPolicyParams
from github.EnvironmentProtectionRuleReviewer import ReviewerParams
from github.GithubException import GithubException, UnknownObjectException
from github.Organization import Organization
from github.Repository import Repository

from platform_cli.github import extra
from platform_cli.github.base_settings import BaseInfrastructureSettings, EnvironmentSettings
from platform_cli.github.exceptions import GitHubClientError
from platform_cli.github.plan import PlanRules

log = logging.getLogger(__name__)
BRANCH = "main"
AUTHOR = "mlops-platform <mlops-platform@users.noreply.github.com>"
_SKIP = {".git", "__pycache__", ".terraform", ".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_ASKPASS = """#!/bin/sh
case "$1" in
  Username*) echo "x-access-token" ;;
  *) echo "$MLOPS_GIT_TOKEN" ;;
esac
"""


@dataclass(frozen=True)
class PublishItem:
    name: str
    source: Path
    is_template: bool
    visibility: str = "private"
    description: str = ""
    # (source path, path in the repository) published beside ``source``'s content.
    extras: tuple[tuple[Path, str], ...] = ()


@dataclass
class PublishResult:
    changes: list[str] = field(default_factory=list)
    repos: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def base_infrastructure_extras(kit_root: Path, config_path: Path | None) -> tuple[tuple[Path, str], ...]:
    """What the base-infrastructure repo's workflows need beside its Terraform: the platform package (the deploy
    workflow builds the Lambda artifact from it, as `make lambda` does) and the org's platform.yaml."""
    extras = [(kit_root / "pyproject.toml", "pyproject.toml"), (kit_root / "platform_cli", "platform_cli")]
    if config_path is not None:
        extras.append((config_path, "platform.yaml"))
    return tuple((source, target) for source, target in extras if source.exists())


def kit_items(
    kit_root: Path, base_repo: str, template_visibility: str = "private", config_path: Path | None = None
) -> list[PublishItem]:
    """``base-infrastructure/`` (internal) and each ``template-repos/<name>/`` (template) of the kit."""
    items = []
    base = kit_root / "base-infrastructure"
    if base.is_dir():
        items.append(
            PublishItem(
                base_repo,
                base,
                False,
                "internal",
                "mlops-platform base infrastructure",
                base_infrastructure_extras(kit_root, config_path),
            )
        )
    templates = kit_root / "template-repos"
    if templates.is_dir():
        for path in sorted(p for p in templates.iterdir() if p.is_dir()):
            items.append(
                PublishItem(path.name, path, True, template_visibility, f"mlops-platform template {path.name}")
            )
    return items


class GitRunner:
    """Runs git with the token available only to git's askpass helper."""

    def __init__(self, token: str, workdir: Path) -> None:
        self.workdir = workdir
        self._askpass = workdir.parent / "askpass.sh"
        self._askpass.write_text(_ASKPASS, encoding="utf-8")
        self._askpass.chmod(stat.S_IRWXU)
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir.parent),
            "GIT_ASKPASS": str(self._askpass),
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "mlops-platform",
            "GIT_AUTHOR_EMAIL": "mlops-platform@users.noreply.github.com",
            "GIT_COMMITTER_NAME": "mlops-platform",
            "GIT_COMMITTER_EMAIL": "mlops-platform@users.noreply.github.com",
            "MLOPS_GIT_TOKEN": token,
        }

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["git", "-c", "credential.helper=", *args],
            cwd=self.workdir,
            env=self._env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if check and result.returncode != 0:
            detail = " ".join((result.stderr or result.stdout).split())[:200]
            raise GitHubClientError(f"git {args[0]} failed: {detail}")
        return result


def tracked_files(source: Path) -> set[Path] | None:
    """Files git tracks under ``source`` (None when ``source`` is not in a git work tree): only committed
    content is published, never local state, caches or a stray credentials file."""
    result = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--", "."],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        return None
    return {Path(name) for name in result.stdout.split("\0") if name}


def _copy_tree(source: Path, target: Path) -> None:
    tracked = tracked_files(source)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if _SKIP & set(relative.parts) or path.suffix == ".pyc" or path.name.endswith(".tfstate"):
            continue
        if tracked is not None and path.is_file() and relative not in tracked:
            continue
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mlops-publish-") as tmp:
        work = Path(tmp) / "repo"
        work.mkdir()
        yield work


def push_tree(clone_url: str, source: Path, token: str, message: str, extras: Sequence[tuple[Path, str]] = ()) -> bool:
    """Make ``main`` of ``clone_url`` hold exactly ``source`` (plus ``extras``); returns whether anything was pushed."""
    with _scratch() as work:
        git = GitRunner(token, work)
        git("init", "-q", "-b", BRANCH)
        _copy_tree(source, work)
        for extra, target in extras:
            if extra.is_dir():
                _copy_tree(extra, work / target)
            else:
                shutil.copy2(extra, work / target)
        git("add", "-A")
        tree = git("write-tree").stdout.strip()
        fetched = git("fetch", "-q", "--depth=1", clone_url, f"refs/heads/{BRANCH}", check=False)
        parent: str | None = None
        if fetched.returncode == 0:
            parent = git("rev-parse", "FETCH_HEAD").stdout.strip()
            if git("rev-parse", "FETCH_HEAD^{tree}").stdout.strip() == tree:
                return False
        elif "couldn't find remote ref" not in fetched.stderr and "not found" not in fetched.stderr.lower():
            detail = " ".join(fetched.stderr.split())[:200]
            if "Authentication failed" in fetched.stderr or "401" in fetched.stderr or "403" in fetched.stderr:
                raise GitHubClientError("git refused the token; store a valid one with `mlops github set-credentials`")
            if detail and "empty" not in detail.lower():
                raise GitHubClientError(f"git fetch failed: {detail}")
        args = ["commit-tree", tree, "-m", message]
        if parent:
            args += ["-p", parent]
        commit = git(*args).stdout.strip()
        git("push", "-q", clone_url, f"{commit}:refs/heads/{BRANCH}")
        return True


def _ensure_repo(org: Organization, item: PublishItem, result: PublishResult) -> Repository:
    try:
        repo = org.get_repo(item.name)
    except UnknownObjectException:
        try:
            repo = org.create_repo(
                item.name, description=item.description, private=True, visibility=item.visibility, auto_init=False
            )
        except GithubException as error:
            # "internal" needs GitHub Enterprise; a plain organisation gets a private repository instead.
            if error.status != 422 or item.visibility != "internal":
                raise
            log.info("internal visibility refused; creating %s as private", item.name)
            repo = org.create_repo(item.name, description=item.description, private=True, auto_init=False)
        result.changes.append(f"{org.login}/{item.name}: created")
    return repo


def _settings(repo: Repository, item: PublishItem, result: PublishResult) -> None:
    changes: dict[str, object] = {}
    if item.is_template and not repo.is_template:
        changes["is_template"] = True
    if (repo.description or "") != item.description:
        changes["description"] = item.description
    if changes:
        repo.edit(**changes)  # type: ignore[arg-type]
        result.changes.append(f"{repo.full_name}: settings {', '.join(sorted(changes))}")


def publish_org_variables(org: Organization, variables: Mapping[str, str], result: PublishResult) -> None:
    current = {variable.name: variable for variable in org.get_variables()}
    for name, value in variables.items():
        existing = current.get(name)
        if existing is None:
            org.create_variable(name, value, visibility="all")
        elif existing.value != value:
            existing.edit(value, visibility="all")
        else:
            continue
        result.changes.append(f"{org.login}: variable {name}")


def _environment_matches(raw: Mapping[str, Any], wanted: EnvironmentSettings, team_id: int) -> bool:
    policy = raw.get("deployment_branch_policy") or {}
    if not wanted.branches:
        if policy:
            return False
    elif not isinstance(policy, dict) or policy.get("custom_branch_policies") is not True:
        return False
    rules = raw.get("protection_rules") or []
    review = [rule for rule in rules if isinstance(rule, dict) and rule.get("type") == "required_reviewers"]
    if not wanted.reviewed:
        return not review
    reviewers = {(r.get("type"), (r.get("reviewer") or {}).get("id")) for rule in review for r in rule["reviewers"]}
    return len(review) == 1 and bool(review[0].get("prevent_self_review")) and reviewers == {("Team", team_id)}


def _environment(repo: Repository, wanted: EnvironmentSettings, team_id: int, result: PublishResult) -> None:
    current = {env.name: env for env in repo.get_environments()}
    env = current.get(wanted.name)
    raw = env.raw_data if env is not None and isinstance(env.raw_data, dict) else {}
    if env is None or not _environment_matches(raw, wanted, team_id):
        env = repo.create_environment(
            wanted.name,
            wait_timer=0,
            reviewers=[ReviewerParams("Team", team_id)] if wanted.reviewed else [],
            prevent_self_review=wanted.reviewed,
            deployment_branch_policy=(
                EnvironmentDeploymentBranchPolicyParams(protected_branches=False, custom_branch_policies=True)
                if wanted.branches
                else None
            ),
        )
        result.changes.append(f"{repo.full_name}: environment {wanted.name}")
    present = (
        {p.get("name") for p in extra.list_deployment_branch_policies(repo, wanted.name)} if wanted.branches else set()
    )
    for branch in wanted.branches:
        if branch not in present:
            extra.create_deployment_branch_policy(repo, wanted.name, branch)
            result.changes.append(f"{repo.full_name}: {wanted.name} deploys from {branch}")
    variables = {variable.name: variable for variable in env.get_variables()}
    for name, value in wanted.variables.items():
        existing = variables.get(name)
        if existing is None:
            env.create_variable(name, value)
        elif existing.value != value:
            existing.edit(value)
        else:
            continue
        result.changes.append(f"{repo.full_name}: {wanted.name} variable {name}")


def publish_base_settings(
    org: Organization, repo: Repository, settings: BaseInfrastructureSettings, reviewers: str, result: PublishResult
) -> None:
    """The environments (preprod/prod reviewed by ``reviewers`` and deploying from main only; ``plan`` reviewed, for
    pull-request runs) and the repository and environment variables base-infrastructure's workflows read."""
    team_id = org.get_team_by_slug(reviewers).id if settings.environments else 0
    plan = PlanRules.of(org)
    visibility = str(getattr(repo, "visibility", None) or ("private" if repo.private else "public"))
    if settings.environments:
        plan.check_environments(repo.full_name, visibility)
    for wanted in settings.environments:
        if wanted.reviewed and not plan.reviewers_allowed(visibility):
            result.skipped.append(plan.skipped_reviewers(repo.full_name, wanted.name))
            wanted = replace(wanted, reviewed=False)
        _environment(repo, wanted, team_id, result)
    current = {variable.name: variable for variable in repo.get_variables()}
    for name, value in settings.repo_variables.items():
        existing = current.get(name)
        if existing is None:
            repo.create_variable(name, value)
        elif existing.value != value:
            existing.edit(value)
        else:
            continue
        result.changes.append(f"{repo.full_name}: variable {name}")
    for environment in settings.missing:
        result.skipped.append(
            f"{repo.full_name}: {environment} not bootstrapped yet (no stack outputs); its environment and variables"
            " are not set: run `mlops bootstrap`, then publish again"
        )


def publish(
    github: Github,
    org_login: str,
    items: Sequence[PublishItem],
    token: str,
    org_variables: Mapping[str, str],
    version: str = "",
    base_settings: BaseInfrastructureSettings | None = None,
    reviewers: str = "",
) -> PublishResult:
    """Create/update each item's repository and content, the base-infrastructure repository's environments and
    variables (``base_settings``), then the org variables."""
    result = PublishResult()
    org = github.get_organization(org_login)
    for item in items:
        repo = _ensure_repo(org, item, result)
        message = f"Publish {item.name} from mlops-platform {version}".strip()
        if push_tree(repo.clone_url, item.source, token, message, item.extras):
            result.changes.append(f"{repo.full_name}: content pushed")
        _settings(repo, item, result)
        if (repo.default_branch or BRANCH) != BRANCH:
            repo.edit(default_branch=BRANCH)
            result.changes.append(f"{repo.full_name}: default branch {BRANCH}")
        result.repos[item.name] = repo.html_url
        if not item.is_template and base_settings is not None:
            publish_base_settings(org, repo, base_settings, reviewers, result)
    publish_org_variables(org, org_variables, result)
    return result
