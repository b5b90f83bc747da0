"""``mlops doctor``: is this machine ready, and is the configuration sound?"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape

from platform_cli.cli.context import cli_context
from platform_cli.cli.output import emit, stdout
from platform_cli.doctor import (
    CallerIdentity,
    CheckResult,
    DoctorReport,
    Status,
    SystemProbe,
    TokenInfo,
    check_aws_credentials,
    check_github_token,
    run_checks,
)
from platform_cli.errors import PlatformError

_MARK = {Status.PASS: "[green]PASS[/]", Status.WARN: "[yellow]WARN[/]", Status.FAIL: "[red]FAIL[/]"}


def _aws_identity() -> CallerIdentity:
    import boto3

    answer = boto3.client("sts").get_caller_identity()
    return CallerIdentity(account=answer["Account"], arn=answer["Arn"])


def _github_token_info(api_url: str) -> Callable[[], TokenInfo]:
    def probe() -> TokenInfo:
        import github

        token = os.environ.get("GITHUB_TOKEN", "")
        if not token:
            raise PlatformError("GITHUB_TOKEN is not set")
        client = github.Github(auth=github.Auth.Token(token), base_url=api_url, retry=None, timeout=15)
        try:
            user = client.get_user()
            login = user.login
            scopes = client.oauth_scopes
        except github.BadCredentialsException:
            raise PlatformError(f"GitHub at {api_url} refused the token (401)") from None
        except github.GithubException as error:
            raise PlatformError(f"GitHub at {api_url} answered {error.status}") from None
        except OSError as error:
            raise PlatformError(f"cannot reach GitHub at {api_url}: {type(error).__name__}") from None
        return TokenInfo(login=login, scopes=None if scopes is None else frozenset(scopes))

    return probe


def doctor(
    ctx: typer.Context,
    aws: Annotated[bool, typer.Option("--aws", help="Also check AWS credentials (sts get-caller-identity).")] = False,
    github_check: Annotated[
        bool, typer.Option("--github", help="Also check GITHUB_TOKEN: reachability and scopes.")
    ] = False,
) -> None:
    """Check this machine and platform.yaml; one line per check with the fix. Exit 1 if a check fails."""
    context = cli_context(ctx)
    extra: dict[str, Callable[[], CheckResult]] = {}
    if aws:
        extra["aws"] = lambda: check_aws_credentials(_aws_identity)
    if github_check:
        api_url = "https://api.github.com"
        # A broken config is reported by the config check; still probe the public API.
        with contextlib.suppress(PlatformError):
            api_url = context.config().github.api_url
        extra["github"] = lambda: check_github_token(_github_token_info(api_url))
    report = run_checks(context.config_path, SystemProbe(), extra)
    emit(
        context,
        [result.__dict__ | {"status": result.status.value} for result in report.results],
        lambda _: _print(report),
    )
    if report.failed:
        raise typer.Exit(1)


def _print(report: DoctorReport) -> None:
    for result in report.results:
        fix = f"  → {result.fix}" if result.fix and result.status is not Status.PASS else ""
        stdout.print(f"{_MARK[result.status]} {result.name:<16} {escape(result.detail)}{escape(fix)}")
