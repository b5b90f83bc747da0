"""``mlops doctor``: is this machine ready, is the configuration sound, and — with ``--aws`` / ``--github`` —
which stage of the organisation's setup is done (docs/first-hour.md)?"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape

from platform_cli.bootstrap.targets import parse_profiles, plan_targets
from platform_cli.cli import network
from platform_cli.cli.bootstrap_cmd import (
    BusinessUnitOption,
    ProfileOption,
    ProfilePatternOption,
    RoleNameOption,
)
from platform_cli.cli.context import API_URL_ENV, cli_context
from platform_cli.cli.errors import describe
from platform_cli.cli.github_access import APP_KEY_ENV, NO_TOKEN, TOKEN_ENV, environment_token, github_client
from platform_cli.cli.output import emit, stdout
from platform_cli.config import PlatformConfig
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
from platform_cli.doctor.stages import Account, stage_checks
from platform_cli.errors import PlatformError
from platform_cli.github.client import build_client
from platform_cli.github.credentials import GitHubCredentials

_MARK = {Status.PASS: "[green]PASS[/]", Status.WARN: "[yellow]WARN[/]", Status.FAIL: "[red]FAIL[/]"}


def _aws_identity() -> CallerIdentity:
    answer = network.aws_client("sts").get_caller_identity()
    return CallerIdentity(account=answer["Account"], arn=answer["Arn"])


def _token() -> tuple[str, str]:
    """The token the CLI uses (``MLOPS_GITHUB_TOKEN`` or ``MLOPS_GITHUB_TOKEN_FILE``), else ``GITHUB_TOKEN``; with
    the variable's name."""
    found = environment_token()
    if found is not None:
        return found
    return "GITHUB_TOKEN", os.environ.get("GITHUB_TOKEN", "")


def _github_token_info(api_url: str) -> Callable[[], TokenInfo]:
    def probe() -> TokenInfo:
        import github

        name, token = _token()
        if not token:
            raise PlatformError(f"{name} is not set (nor {TOKEN_ENV})")
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


def stage_accounts(
    config: PlatformConfig,
    business_unit: str | None,
    profiles: list[str],
    profile_pattern: str | None,
    role_name: str | None,
) -> tuple[str, dict[str, Account]]:
    """Each account of the business unit as ``mlops bootstrap`` reaches it: its profile, else the current
    credentials when they are in that account, else the role assumed from them."""
    targets = plan_targets(config, business_unit, [], parse_profiles(profiles), profile_pattern, role_name)
    base = network.aws_session(config.aws.region)
    current: list[str] = []
    accounts: dict[str, Account] = {}
    for target in targets:
        environment = target.environment
        fix = f"pass --profile {environment}=PROFILE (or --profile-pattern 'NAME-{{environment}}') for that account"
        try:
            if target.access.profile:
                session = network.aws_session(config.aws.region, profile=target.access.profile)
            else:
                if not current:
                    current.append(str(base.client("sts").get_caller_identity()["Account"]))
                if current[0] == target.account_id:
                    session = base
                else:
                    answer = base.client("sts").assume_role(
                        RoleArn=str(target.access.role_arn), RoleSessionName="mlops-doctor"
                    )
                    session = network.aws_session(config.aws.region, credentials=answer["Credentials"])
        except Exception as error:
            accounts[environment] = Account(environment, target.account_id, None, describe(error), fix)
            continue
        accounts[environment] = Account(environment, target.account_id, session, reach_fix=fix)
    return targets[0].business_unit, accounts


def doctor(
    ctx: typer.Context,
    aws: Annotated[
        bool,
        typer.Option(
            "--aws",
            help="Also check AWS: credentials, then per account the bootstrap stack and base infrastructure, "
            "and in dev the credential secret and the project templates.",
        ),
    ] = False,
    github_check: Annotated[
        bool,
        typer.Option(
            "--github",
            help=f"Also check GitHub: the token ({TOKEN_ENV} or GITHUB_TOKEN) and base-infrastructure's "
            "environments and variables.",
        ),
    ] = False,
    business_unit: BusinessUnitOption = None,
    profile: ProfileOption = None,
    profile_pattern: ProfilePatternOption = None,
    role_name: RoleNameOption = None,
) -> None:
    """Check this machine and platform.yaml (placeholders left by `config init` included), and with --aws and
    --github every stage of the setup; one line per check with the command that fixes it. Exit 1 if a check
    fails. Accounts are reached as `mlops bootstrap` reaches them (--profile, --profile-pattern, --role-name).

    --output json: [{"name", "status": "pass"|"warn"|"fail", "detail", "fix"}], one object per check, in order.
    """
    context = cli_context(ctx)
    extra: dict[str, Callable[[], CheckResult]] = {}
    config: PlatformConfig | None = None
    with contextlib.suppress(PlatformError):  # a broken config is reported by the config check
        config = context.config()
    if aws:
        extra["aws"] = lambda: check_aws_credentials(_aws_identity)
    if github_check:
        api_url = config.github.api_url if config is not None else "https://api.github.com"
        extra["github"] = lambda: check_github_token(_github_token_info(api_url))
    report = run_checks(context.config_path, SystemProbe(), extra, api_url=os.environ.get(API_URL_ENV))
    if config is not None and (aws or github_check):
        report.results += _stages(config, aws, github_check, business_unit, profile or [], profile_pattern, role_name)
    emit(
        context,
        [result.__dict__ | {"status": result.status.value} for result in report.results],
        lambda _: _print(report),
    )
    if report.failed:
        raise typer.Exit(1)


def _stages(
    config: PlatformConfig,
    aws: bool,
    github_check: bool,
    business_unit: str | None,
    profiles: list[str],
    profile_pattern: str | None,
    role_name: str | None,
) -> list[CheckResult]:
    accounts: dict[str, Account] | None = None
    unit = business_unit or next(iter(config.business_units))
    if aws:
        unit, accounts = stage_accounts(config, business_unit, profiles, profile_pattern, role_name)
    github: Callable[[], Any] | None = (lambda: _doctor_github(config)) if github_check else None
    return stage_checks(config, unit, accounts, github)


def _doctor_github(config: PlatformConfig) -> Any:
    """The admin's own GitHub client: the token in the environment, or the App key file; never the credential
    secret (only the provisioning Lambdas may read it)."""
    _, token = _token()
    if token:
        return build_client(GitHubCredentials.pat(token), config.github.api_url)
    if os.environ.get(APP_KEY_ENV):
        return github_client(config)
    raise PlatformError(NO_TOKEN)


def _print(report: DoctorReport) -> None:
    for result in report.results:
        fix = f"  → {result.fix}" if result.fix and result.status is not Status.PASS else ""
        stdout.print(f"{_MARK[result.status]} {result.name:<26} {escape(result.detail)}{escape(fix)}")
