"""``mlops bootstrap``: run bootstrap.sh for every account of a business unit, with progress and a summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

import platform_cli
from platform_cli.bootstrap.aws import sts_assume_role
from platform_cli.bootstrap.runner import AccountResult, Outcome, RunOptions, run_all
from platform_cli.bootstrap.targets import AccountTarget, parse_profiles, plan_targets
from platform_cli.cli.context import cli_context
from platform_cli.cli.errors import fail
from platform_cli.cli.network import aws_client
from platform_cli.cli.output import emit, info, table

DEFAULT_LOG_DIR = Path(".mlops-local/bootstrap")
# `mlops local env` sets it to the local accounts' profiles (mlops-local-{environment}).
PROFILE_PATTERN_ENV = "MLOPS_PROFILE_PATTERN"

# How a command reaches each account: the options `bootstrap` and `doctor --aws` share.
BusinessUnitOption = Annotated[
    str | None, typer.Option("--business-unit", "-b", help="Business unit of platform.yaml (default: the only one).")
]
ProfileOption = Annotated[
    list[str] | None, typer.Option("--profile", "-p", help="AWS profile of one account as ENV=PROFILE (repeatable).")
]
ProfilePatternOption = Annotated[
    str | None,
    typer.Option(
        help="AWS profile name for every account, e.g. 'acme-{environment}' or 'ml-{account}'.",
        envvar=PROFILE_PATTERN_ENV,
    ),
]
RoleNameOption = Annotated[
    str | None,
    typer.Option(help="Role assumed in each account from current credentials [OrganizationAccountAccessRole]."),
]


def default_script() -> Path:
    """bootstrap.sh in the current directory, else next to the installed package (a source checkout)."""
    here = Path.cwd() / "bootstrap.sh"
    if here.is_file():
        return here
    return Path(platform_cli.__file__).resolve().parent.parent / "bootstrap.sh"


def child_environment() -> dict[str, str]:
    """The script's environment: ours, with this interpreter's bin directory first on PATH, where the aws CLI of
    the platform's virtualenv lives (``.venv/bin/mlops`` works without activating the venv)."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    if (Path(bin_dir) / "aws").exists() and bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def _sts_client() -> Any:
    # Made on use: the CLI starts fast and tests inject nothing at import time. Bounded timeouts and retries.
    return aws_client("sts")


def _render(results: list[AccountResult]) -> None:
    rows = [
        (
            result.target.environment,
            result.target.account_id,
            result.outcome.value,
            f"{result.seconds:.1f}s",
            result.detail,
        )
        for result in results
    ]
    table("Bootstrap", ["environment", "account", "result", "time", "detail"], rows)


def bootstrap(
    ctx: typer.Context,
    business_unit: BusinessUnitOption = None,
    env: Annotated[
        list[str] | None, typer.Option("--env", "-e", help="Only this environment (repeatable; default: all three).")
    ] = None,
    profile: ProfileOption = None,
    profile_pattern: ProfilePatternOption = None,
    role_name: RoleNameOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show each account's change set; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Continue with the next account after a failure.")
    ] = False,
    script: Annotated[Path | None, typer.Option(help="Path to bootstrap.sh [./bootstrap.sh].")] = None,
    log_dir: Annotated[Path, typer.Option(help="Where each account's full output is written.")] = DEFAULT_LOG_DIR,
) -> None:
    """Bootstrap the dev, preprod and prod accounts of a business unit with bootstrap.sh, one after the other.

    Inputs come from platform.yaml (prefix, GitHub org and base-infrastructure repo, region, account ids). Every
    run is guarded with --expect-account: a profile for the wrong account fails before anything is created.
    Re-running changes nothing.

    --output json: [{"business_unit", "environment", "account_id", "stack_name", "access", "outcome", "seconds",
    "detail", "outputs": {OutputKey: value}, "log"}], one per account.
    """
    context = cli_context(ctx)
    config = context.config()
    targets = plan_targets(
        config,
        business_unit,
        env or [],
        parse_profiles(profile or []),
        profile_pattern,
        role_name,
    )
    if not dry_run and not yes:
        if not sys.stdin.isatty():
            fail("not a terminal: pass --yes to bootstrap unattended (or --dry-run to only look)")
        accounts = ", ".join(f"{target.environment} {target.account_id}" for target in targets)
        if not typer.confirm(f"Bootstrap {accounts}?", default=False):
            fail("cancelled; nothing was changed")

    options = RunOptions(script=script or default_script(), log_dir=log_dir, dry_run=dry_run, keep_going=keep_going)
    needs_role = any(target.access.role_arn for target in targets)
    assume_role = sts_assume_role(_sts_client()) if needs_role else _no_role

    def started(index: int, target: AccountTarget) -> None:
        step = f"[{index + 1}/{len(targets)}]"
        info(f"{step} {target.environment} {target.account_id} via {target.access.describe()} ...")

    def finished(index: int, result: AccountResult) -> None:
        step = f"[{index + 1}/{len(targets)}]"
        info(f"{step} {result.target.environment}: {result.outcome.value} ({result.seconds:.1f}s)")

    results = run_all(targets, options, child_environment(), assume_role, on_start=started, on_done=finished)
    emit(context, [result.as_dict() for result in results], lambda _: _render(results))
    failures = [result for result in results if result.outcome is Outcome.FAILED]
    if failures:
        first = failures[0]
        fail(f"{first.target.environment} ({first.target.account_id}): {first.detail}; full output: {first.log_path}")


def _no_role(role_arn: str) -> dict[str, str]:  # pragma: no cover - only reached if a target had a role
    raise AssertionError(f"no role expected, got {role_arn}")
