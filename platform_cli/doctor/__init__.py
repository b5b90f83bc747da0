"""Health checks of the machine and the configuration: each one line, pass/warn/fail, and the fix.

Every probe of the outside world goes through an injected ``Probe`` so tests can fake both outcomes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from platform_cli.config import validation_problems
from platform_cli.errors import PlatformError

MIN_PYTHON = (3, 11)
MIN_TERRAFORM = (1, 9)  # base-infrastructure's required_version (versions.tf)
# A PAT must be able to create repos, manage their settings, and read teams.
REQUIRED_PAT_SCOPES = frozenset({"repo", "workflow", "read:org"})


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str = ""


class Probe(Protocol):
    """What the checks ask of the machine."""

    def which(self, tool: str) -> str | None: ...

    def run(self, argv: Sequence[str]) -> str: ...

    def python_version(self) -> tuple[int, int, int]: ...


class SystemProbe:
    def which(self, tool: str) -> str | None:
        return shutil.which(tool)

    def run(self, argv: Sequence[str]) -> str:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=30, check=True)
        return done.stdout + done.stderr

    def python_version(self) -> tuple[int, int, int]:
        return sys.version_info[:3]


def _version(text: str) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


def check_python(probe: Probe) -> CheckResult:
    found = probe.python_version()
    shown = ".".join(map(str, found))
    if found[:2] >= MIN_PYTHON:
        return CheckResult("python", Status.PASS, f"Python {shown}")
    return CheckResult("python", Status.FAIL, f"Python {shown} is too old", "install Python 3.11 or newer")


def check_terraform(probe: Probe) -> CheckResult:
    fix = "install Terraform 1.9 or newer: https://developer.hashicorp.com/terraform/install"
    if probe.which("terraform") is None:
        return CheckResult("terraform", Status.FAIL, "terraform not found on PATH", fix)
    try:
        found = _version(probe.run(["terraform", "version"]))
    except (OSError, subprocess.SubprocessError):
        return CheckResult("terraform", Status.FAIL, "`terraform version` failed", fix)
    if found is None:
        return CheckResult("terraform", Status.FAIL, "could not read terraform's version", fix)
    shown = ".".join(map(str, found))
    if found[:2] >= MIN_TERRAFORM:
        return CheckResult("terraform", Status.PASS, f"Terraform {shown}")
    return CheckResult("terraform", Status.FAIL, f"Terraform {shown} is older than 1.9", fix)


def check_git(probe: Probe) -> CheckResult:
    if probe.which("git") is None:
        return CheckResult("git", Status.FAIL, "git not found on PATH", "install git")
    try:
        found = _version(probe.run(["git", "--version"]))
    except (OSError, subprocess.SubprocessError):
        return CheckResult("git", Status.FAIL, "`git --version` failed", "reinstall git")
    return CheckResult("git", Status.PASS, f"git {'.'.join(map(str, found or ()))}".strip())


def check_aws_cli(probe: Probe) -> CheckResult:
    if probe.which("aws") is None:
        return CheckResult(
            "aws-cli",
            Status.WARN,
            "aws CLI not found (needed only for real accounts: bootstrap.sh)",
            "install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
        )
    return CheckResult("aws-cli", Status.PASS, "aws CLI found")


def check_config(path: Path, api_url: str | None = None) -> CheckResult:
    try:
        problems = validation_problems(path, api_url)
    except PlatformError as error:
        return CheckResult("config", Status.FAIL, str(error), "create one with `mlops config init`")
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        return CheckResult("config", Status.FAIL, problems[0] + more, "fix it, then run `mlops config validate`")
    return CheckResult("config", Status.PASS, f"{path} is valid")


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str


def check_aws_credentials(get_identity: Callable[[], CallerIdentity]) -> CheckResult:
    fix = "configure credentials (aws configure sso, or AWS_PROFILE) for the account you want to use"
    try:
        identity = get_identity()
    except Exception as error:  # any botocore failure means "no usable credentials"
        return CheckResult(
            "aws-credentials", Status.FAIL, f"sts get-caller-identity failed: {type(error).__name__}", fix
        )
    return CheckResult("aws-credentials", Status.PASS, f"account {identity.account} as {identity.arn}")


@dataclass(frozen=True)
class TokenInfo:
    login: str
    scopes: frozenset[str] | None  # None: not a classic PAT (fine-grained or app token: no scopes header)


def check_github_token(get_token_info: Callable[[], TokenInfo]) -> CheckResult:
    try:
        info = get_token_info()
    except PlatformError as error:
        return CheckResult("github", Status.FAIL, str(error), "set GITHUB_TOKEN to a valid token")
    if info.scopes is None:
        return CheckResult("github", Status.PASS, f"token of {info.login} accepted (no classic scopes to check)")
    # `repo` implies its sub-scopes and `admin:org` implies `read:org`, as on GitHub.
    granted = set(info.scopes) | ({"read:org"} if {"admin:org", "write:org"} & info.scopes else set())
    missing = sorted(REQUIRED_PAT_SCOPES - granted)
    if missing:
        return CheckResult(
            "github",
            Status.FAIL,
            f"token of {info.login} lacks scopes: {', '.join(missing)}",
            "create a token with repo, workflow and read:org scopes",
        )
    return CheckResult("github", Status.PASS, f"token of {info.login} has the needed scopes")


@dataclass
class DoctorReport:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(result.status is Status.FAIL for result in self.results)


def run_checks(
    config_path: Path,
    probe: Probe,
    extra: Mapping[str, Callable[[], CheckResult]] | None = None,
    api_url: str | None = None,
) -> DoctorReport:
    """The always-on checks, then any optional ones (``--aws``, ``--github``) in the order given."""
    report = DoctorReport(
        [
            check_python(probe),
            check_terraform(probe),
            check_git(probe),
            check_aws_cli(probe),
            check_config(config_path, api_url),
        ]
    )
    for check in (extra or {}).values():
        report.results.append(check())
    return report
