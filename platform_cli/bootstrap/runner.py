"""Run ``bootstrap.sh`` once per account, in order, and report what happened to each.

Credentials never reach a command line or a log: a profile is named with ``--profile``; a role's temporary
credentials travel in the child's environment only.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from platform_cli.bootstrap.exceptions import BootstrapError, CredentialsError
from platform_cli.bootstrap.targets import AccountTarget

# (role_arn) -> {"AccessKeyId", "SecretAccessKey", "SessionToken"}
AssumeRole = Callable[[str], Mapping[str, str]]
# (argv, env) -> completed process with text stdout/stderr
CommandRunner = Callable[[Sequence[str], Mapping[str, str]], "subprocess.CompletedProcess[str]"]

_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DRY_RUN = "dry run"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class RunOptions:
    script: Path
    log_dir: Path
    dry_run: bool = False
    keep_going: bool = False


@dataclass
class AccountResult:
    target: AccountTarget
    outcome: Outcome
    seconds: float = 0.0
    detail: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "business_unit": self.target.business_unit,
            "environment": self.target.environment,
            "account_id": self.target.account_id,
            "stack_name": self.target.stack_name,
            "access": self.target.access.describe(),
            "outcome": self.outcome.value,
            "seconds": round(self.seconds, 1),
            "detail": self.detail,
            "outputs": self.outputs,
            "log": str(self.log_path) if self.log_path else None,
        }


def run_command(argv: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """The default ``CommandRunner``: no shell, no stdin (the script must not prompt), text output."""
    return subprocess.run(
        list(argv), env=dict(env), stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )


def script_arguments(target: AccountTarget, options: RunOptions, outputs_file: Path) -> list[str]:
    """``bash bootstrap.sh ...`` for one account; ``--expect-account`` guards against a profile for the wrong one."""
    argv = [
        "bash",
        str(options.script),
        "--env",
        target.environment,
        "--org",
        target.github_org,
        "--repo",
        target.github_repo,
        "--prefix",
        target.naming_prefix,
        "--region",
        target.region,
        "--expect-account",
        target.account_id,
        "--outputs-file",
        str(outputs_file),
        "--yes",
    ]
    if target.access.profile:
        argv += ["--profile", target.access.profile]
    if options.dry_run:
        argv.append("--dry-run")
    return argv


def account_environment(target: AccountTarget, base_env: Mapping[str, str], assume_role: AssumeRole) -> dict[str, str]:
    """The child's environment: the caller's, plus the assumed role's credentials when reaching it by role."""
    env = dict(base_env)
    if target.access.role_arn:
        credentials = assume_role(target.access.role_arn)
        for name in _PROFILE_VARIABLES:
            env.pop(name, None)
        env["AWS_ACCESS_KEY_ID"] = credentials["AccessKeyId"]
        env["AWS_SECRET_ACCESS_KEY"] = credentials["SecretAccessKey"]
        env["AWS_SESSION_TOKEN"] = credentials["SessionToken"]
    else:
        # The profile decides; stray key variables would take precedence over it in the aws CLI.
        for name in _CREDENTIAL_VARIABLES:
            env.pop(name, None)
    return env


def error_line(stdout: str, stderr: str) -> str:
    """The script's one-line error (``bootstrap.sh: error: ...``), else the last line it printed."""
    lines = [line.strip() for line in (stderr + "\n" + stdout).splitlines() if line.strip()]
    for line in reversed(lines):
        if ": error: " in line:
            return line.split(": error: ", 1)[1]
    return lines[-1] if lines else "bootstrap.sh failed without output"


def outcome_of(stdout: str, dry_run: bool) -> Outcome:
    if dry_run:
        return Outcome.DRY_RUN
    if "No changes to deploy" in stdout:
        return Outcome.UNCHANGED
    if "(create)" in stdout:
        return Outcome.CREATED
    return Outcome.UPDATED


def outputs_path(log_dir: Path, business_unit: str, environment: str, account_id: str) -> Path:
    """Where the run of one account leaves its stack outputs (read again by ``mlops org publish``)."""
    return log_dir / f"{business_unit}-{environment}-{account_id}.outputs.json"


def read_outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
    except json.JSONDecodeError:
        return {}
    return {str(item["OutputKey"]): str(item["OutputValue"]) for item in data or []}


def run_account(
    target: AccountTarget,
    options: RunOptions,
    base_env: Mapping[str, str],
    assume_role: AssumeRole,
    runner: CommandRunner = run_command,
) -> AccountResult:
    """Bootstrap one account; never raises for a failure of the script (it is reported in the result)."""
    started = time.monotonic()
    options.log_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{target.business_unit}-{target.environment}-{target.account_id}"
    log_path = options.log_dir / f"{stem}.log"
    outputs_file = outputs_path(options.log_dir, target.business_unit, target.environment, target.account_id)
    outputs_file.unlink(missing_ok=True)
    try:
        env = account_environment(target, base_env, assume_role)
    except CredentialsError as error:
        log_path.write_text(f"{error}\n", encoding="utf-8")
        return AccountResult(target, Outcome.FAILED, time.monotonic() - started, str(error), log_path=log_path)
    completed = runner(script_arguments(target, options, outputs_file), env)
    log_path.write_text(
        f"$ bootstrap.sh for {target.environment} ({target.account_id}) via {target.access.describe()}\n"
        f"{completed.stdout}\n--- stderr ---\n{completed.stderr}",
        encoding="utf-8",
    )
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        detail = error_line(completed.stdout, completed.stderr)
        return AccountResult(target, Outcome.FAILED, seconds, detail, log_path=log_path)
    outputs = read_outputs(outputs_file)
    outcome = outcome_of(completed.stdout, options.dry_run)
    detail = outputs.get("ApplyRoleArn", "change set shown and deleted" if options.dry_run else "")
    return AccountResult(target, outcome, seconds, detail, outputs, log_path)


def run_all(
    targets: Sequence[AccountTarget],
    options: RunOptions,
    base_env: Mapping[str, str],
    assume_role: AssumeRole,
    runner: CommandRunner = run_command,
    on_start: Callable[[int, AccountTarget], None] | None = None,
    on_done: Callable[[int, AccountResult], None] | None = None,
) -> list[AccountResult]:
    """Bootstrap ``targets`` in order; after a failure the rest are skipped unless ``keep_going``."""
    if not options.script.is_file():
        raise BootstrapError(f"{options.script}: bootstrap script not found; pass --script PATH to bootstrap.sh")
    results: list[AccountResult] = []
    failed = False
    for index, target in enumerate(targets):
        if failed and not options.keep_going:
            result = AccountResult(target, Outcome.SKIPPED, detail="an earlier account failed")
        else:
            if on_start:
                on_start(index, target)
            result = run_account(target, options, base_env, assume_role, runner)
            failed = failed or result.outcome is Outcome.FAILED
        results.append(result)
        if on_done:
            on_done(index, result)
    return results
