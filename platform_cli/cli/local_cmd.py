"""``mlops local``: the embedded defaults (local AWS and the local GitHub forge) for rehearsals and tests."""

from __future__ import annotations

import os
import shutil
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.cli.context import CliContext, cli_context
from platform_cli.cli.local_env import LocalEnvironment, Shell, local_environment, render
from platform_cli.cli.output import emit, info, stdout, table, waiting
from platform_cli.config import ENVIRONMENTS
from platform_cli.errors import PlatformError
from platform_cli.local.paths import DEFAULT_STATE_DIR

if TYPE_CHECKING:
    from platform_cli.local.base_infra_apply import LocalApply
    from platform_cli.local.forge.server import ForgeHandle
    from platform_cli.local.platform import LocalPlatform

app = typer.Typer(help="Run local AWS and a local GitHub forge on this machine.", no_args_is_help=True)

StateDir = Annotated[
    Path, typer.Option("--state-dir", help="Where the servers keep their state.", envvar="MLOPS_LOCAL_STATE")
]


def _platform(state_dir: Path, iam_mode: str | None = None) -> LocalPlatform:
    # Imported here: the emulator needs the `local` extra, and `mlops --help` must work without it.
    from platform_cli.local.platform import LocalPlatform

    return LocalPlatform(state_dir, iam_mode=iam_mode)


@app.command()
def up(
    ctx: typer.Context,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    aws_port: Annotated[int | None, typer.Option(help="Port of local AWS (default: a free one).")] = None,
    forge_port: Annotated[int | None, typer.Option(help="Port of the forge (default: a free one).")] = None,
    permissive: Annotated[
        bool, typer.Option("--permissive", help="Log IAM denials instead of refusing them (debugging only).")
    ] = False,
) -> None:
    """Start local AWS (moto) and the forge on 127.0.0.1, seed the org of platform.yaml, and print the variables
    that point mlops, the AWS CLI and Terraform at them (also: `eval "$(mlops local env)"`).

    --output json: {"aws": {"endpoint_url", "pid", "region", "accounts": {ENV: ID}, "config_file"},
    "forge": {"url", "api_url", "pid"}, "org", "token_file", "environment": {"set": {NAME: value}, "unset": [NAME]}}.
    """
    context = cli_context(ctx)
    config = context.config()
    mode = "permissive" if permissive else None  # None: MLOPS_LOCAL_IAM, else the evaluator's default
    platform = _platform(state_dir, iam_mode=mode)  # first: without the `local` extra this is the one-line error
    info("starting local AWS and the local forge …")
    from platform_cli.local.iam.mode import PERMISSIVE_WARNING
    from platform_cli.local.iam.mode import current as iam_mode

    if permissive or iam_mode() == "permissive":  # the flag, or MLOPS_LOCAL_IAM
        info(PERMISSIVE_WARNING)
    started = platform.up(config, aws_port=aws_port, forge_port=forge_port)
    _config_record(state_dir).write_text(str(context.config_path.resolve()), encoding="utf-8")
    environment = _environment(ctx, _servers(platform), state_dir, DEFAULT_ACCOUNT)
    data = {**started.to_json(), "environment": environment.to_json()}
    emit(context, data, lambda d: _print_up(d, environment))


def _print_up(data: dict[str, Any], environment: LocalEnvironment) -> None:
    aws, forge = data["aws"], data["forge"]
    table(
        None,
        ["service", "endpoint", "pid"],
        [["local AWS", aws["endpoint_url"], aws["pid"]], ["local forge", forge["api_url"], forge["pid"]]],
    )
    accounts = ", ".join(f"{env} {account}" for env, account in aws["accounts"].items())
    stdout.print(f"accounts: {accounts}", markup=False)
    stdout.print(f"org {data['org']} seeded; the platform's token is in {data['token_file']}", markup=False)
    stdout.print("", markup=False)
    stdout.print(
        "Point mlops, the AWS CLI and Terraform at these servers (this shell: "
        'eval "$(mlops local env)"; fish: mlops local env --shell fish | source):',
        markup=False,
    )
    stdout.print(render(environment).rstrip("\n"), markup=False, emoji=False, highlight=False)


DEFAULT_ACCOUNT = "dev"


def _config_record(state_dir: Path) -> Path:
    """Where `up` notes the platform.yaml it seeded from (`env` points MLOPS_CONFIG at it)."""
    return state_dir / "platform.yaml.path"


def _config_path(ctx: typer.Context, state_dir: Path) -> Path:
    """--config (or MLOPS_CONFIG) when given, else the platform.yaml `up` used."""
    source = ctx.find_root().get_parameter_source("config")
    given = source is not None and source.name != "DEFAULT"  # typed on the command line or MLOPS_CONFIG
    recorded = _config_record(state_dir)
    if not given and recorded.is_file():
        return Path(recorded.read_text(encoding="utf-8").strip())
    return cli_context(ctx).config_path.resolve()


def _environment(ctx: typer.Context, status: dict[str, Any], state_dir: Path, account: str) -> LocalEnvironment:
    """The variables for the recorded servers; a server slow to answer (a loaded machine) still has them."""
    if "stopped" in (status["aws"]["state"], status["forge"]["state"]):
        raise PlatformError(f"the local servers are not running (state dir {state_dir}); run `mlops local up`")
    profiles: dict[str, str] = status["aws"]["profiles"]
    if account not in profiles:
        raise PlatformError(f"--account {account}: not an account of local AWS; use one of {', '.join(profiles)}")
    return local_environment(
        status,
        profile=profiles[account],
        config_path=str(_config_path(ctx, state_dir)),
        state_dir=str(state_dir.resolve()),
    )


@app.command("env")
def env(
    ctx: typer.Context,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    shell: Annotated[Shell, typer.Option("--shell", help="Quote for this shell (posix: sh, bash, zsh).")] = Shell.POSIX,
    account: Annotated[
        str, typer.Option("--account", help="Act in this local account: dev, preprod, prod or management.")
    ] = DEFAULT_ACCOUNT,
) -> None:
    """Print the variables that point mlops, the AWS CLI and Terraform at the running local servers, for
    `eval "$(mlops local env)"` (fish: `mlops local env --shell fish | source`).

    Sets AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION,
    AWS_ENDPOINT_URL(_STS), MLOPS_CONFIG, MLOPS_GITHUB_API_URL, MLOPS_GITHUB_TOKEN_FILE, MLOPS_PROFILE_PATTERN
    and MLOPS_LOCAL_STATE;
    unsets real AWS credential variables and MLOPS_GITHUB_TOKEN. No secret is printed.

    --output json: {"set": {NAME: value}, "unset": [NAME]}.
    """
    context = cli_context(ctx)
    environment = _environment(ctx, _servers(_platform(state_dir)), state_dir, account)
    emit(context, environment.to_json(), lambda _: print(render(environment, shell), end=""))


class ApplyEnvironment(StrEnum):
    DEV = "dev"
    PREPROD = "preprod"
    PROD = "prod"
    ALL = "all"


def apply_environments(chosen: list[ApplyEnvironment] | None) -> tuple[str, ...]:
    """The accounts to apply, in the deploy workflow's order (dev, preprod, prod); ``all`` (the default) is each."""
    names = {item.value for item in chosen or [ApplyEnvironment.ALL]}
    return ENVIRONMENTS if ApplyEnvironment.ALL.value in names else tuple(e for e in ENVIRONMENTS if e in names)


@app.command("apply")
def apply(
    ctx: typer.Context,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    environment: Annotated[
        list[ApplyEnvironment] | None,
        typer.Option("--env", help="Apply this account: dev, preprod, prod or all (repeatable; default: all)."),
    ] = None,
) -> None:
    """Apply base-infrastructure's Terraform into local AWS as its deploy workflow does on GitHub: as each account's
    bootstrap apply role (an OIDC token the local forge mints for base-infrastructure's job in that environment),
    state in the bootstrap's bucket and lock table, with the Lambda artifact built from this checkout. Afterwards
    `mlops project create` launches the project templates through Service Catalog. Needs `mlops local up` and
    `mlops bootstrap` first; Terraform's output goes to <state dir>/apply.log.

    --output json: {"environments": {ENV: seconds}, "templates": ["<template kind offered in dev>"], "log": path}.
    """
    context = cli_context(ctx)
    environments = apply_environments(environment)
    from platform_cli.lambdas.build import build
    from platform_cli.local import base_infra_apply
    from platform_cli.local.aws import session_for

    setup = _apply_setup(ctx, state_dir)
    outputs = base_infra_apply.bootstrapped(setup, environments)  # every account ready before anything is built
    info("building the Lambda artifact …")
    build(setup.lambda_zip)
    if setup.log_path is not None:
        setup.log_path.write_text("", encoding="utf-8")  # this run's output only
    with waiting(f"terraform apply base-infrastructure in {', '.join(environments)} (log: {setup.log_path})"):
        seconds = base_infra_apply.apply(setup, outputs)
    config = setup.config
    offered = base_infra_apply.applied_templates(
        session_for(setup.aws, setup.account("dev")),
        config.naming_prefix,
        [kind.value for kind in config.templates.enabled],
    )
    emit(context, {"environments": seconds, "templates": offered, "log": str(setup.log_path)}, _print_applied)


def _apply_setup(ctx: typer.Context, state_dir: Path) -> LocalApply:
    """What ``apply`` needs from the running servers; one line naming the fix when something is missing."""
    platform = _platform(state_dir)  # first: without the `local` extra this is the one-line error
    from platform_cli.config import load_config
    from platform_cli.local import base_infra_apply
    from platform_cli.local.forge import status as forge_status

    aws = platform.aws.status()
    forge = forge_status(platform.forge_dir)
    if not aws.alive or aws.info is None or forge is None:
        raise PlatformError(f"local AWS and the forge are not running (state dir {state_dir}); run `mlops local up`")
    if shutil.which("terraform") is None:
        raise PlatformError(
            "terraform is not on PATH; install Terraform >= 1.9 (https://developer.hashicorp.com/terraform/install)"
        )
    config_path = _config_path(ctx, state_dir)
    work = platform.state_dir
    return base_infra_apply.LocalApply(
        config=load_config(config_path),
        config_path=base_infra_apply.platform_yaml_for_forge(config_path, forge.api_url, work / "terraform"),
        aws=aws.info,
        issuer=forge.admin(),
        work_dir=work / "terraform",
        lambda_zip=work / "build" / "lambda.zip",
        plugin_mirror=Path(os.environ.get("TF_PLUGIN_MIRROR", DEFAULT_PLUGIN_MIRROR)),
        studio_user_profiles=base_infra_apply.studio_people(platform.people.data_scientist, platform.people.reviewer),
        log_path=work / "apply.log",
    )


DEFAULT_PLUGIN_MIRROR = "/opt/tf-plugins"  # where `make tf-config` looks for providers (TF_PLUGIN_MIRROR)


def _print_applied(data: dict[str, Any]) -> None:
    applied = ", ".join(f"{name} ({seconds:.0f}s)" for name, seconds in data["environments"].items())
    stdout.print(f"base-infrastructure applied in local AWS: {applied}", markup=False)
    templates = ", ".join(data["templates"]) or "none (enable them in platform.yaml's templates.enabled)"
    stdout.print(f"project templates offered in dev: {templates}", markup=False)
    stdout.print("create a project: `mlops project create NAME --template KIND`", markup=False)


@app.command()
def down(ctx: typer.Context, state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Stop exactly the servers that `mlops local up` started here (by their recorded PIDs).

    --output json: {"aws": bool, "forge": bool} (true: it was running and is stopped).
    """
    context = cli_context(ctx)
    stopped = _platform(state_dir).down()
    emit(
        context,
        stopped,
        lambda d: stdout.print(
            "; ".join(f"{name}: {'stopped' if was else 'was not running'}" for name, was in d.items()), markup=False
        ),
    )


@app.command()
def status(ctx: typer.Context, state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Show what runs (pid, endpoint, healthy or not, uptime), the accounts, and the org's repositories and
    projects. A service's state is healthy, not answering (its process lives) or stopped.

    --output json: {"state_dir", "token_file", "aws": {"running", "healthy", "state", "pid", "endpoint_url",
    "region", "accounts", "profiles", "config_file", "credentials_file", "uptime_seconds"}, "forge": {"running",
    "healthy", "state", "pid", "url", "api_url", "uptime_seconds"}, "org",
    "repositories": [{"name", "url", "template", "archived"}],
    "projects": [{"name", "id", "status", "template", "repositories", "created"}], "problems": [str]}.
    """
    context = cli_context(ctx)
    platform = _platform(state_dir)
    data = _servers(platform)
    data.update({"org": None, "repositories": [], "projects": [], "problems": []})
    if data["aws"]["running"] and data["forge"]["running"]:
        _add_org_contents(context, platform, data)
    emit(context, data, _print_status)


def _servers(platform: LocalPlatform) -> dict[str, Any]:
    """``LocalPlatform.status()`` with each service's ``state`` and ``healthy``; a forge whose process lives but
    does not answer keeps its recorded pid and URLs."""
    data = platform.status()
    # running: its recorded PID lives and it answers (local AWS any request, the forge /_forge/health)
    data["aws"]["state"] = _state(data["aws"]["running"], data["aws"]["pid"])
    forge = data["forge"]
    if not forge["running"]:
        recorded = _recorded_forge(platform)
        if recorded is not None:
            forge.update(pid=recorded.pid, url=recorded.url, api_url=recorded.api_url)
    forge["state"] = _state(forge["running"], forge["pid"])
    for service in (data["aws"], forge):
        service["healthy"] = service["state"] == "healthy"
    return data


def _state(running: bool, pid: int | None) -> str:
    """healthy (it answers), not answering (its process lives but does not answer) or stopped."""
    from platform_cli.local.aws.process import is_alive

    if running:
        return "healthy"
    return "not answering" if pid and is_alive(pid) else "stopped"


def _recorded_forge(platform: LocalPlatform) -> ForgeHandle | None:
    """The forge as it recorded itself at start, whether or not it answers now."""
    import json

    from platform_cli.local.forge.server import INFO_FILE, ForgeHandle

    try:
        return ForgeHandle(**json.loads((platform.forge_dir / INFO_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _add_org_contents(context: CliContext, platform: LocalPlatform, data: dict[str, Any]) -> None:
    """The org's repositories (from the forge) and projects (from local AWS); a problem is noted, not raised."""
    try:
        config = context.config()
    except PlatformError as error:
        data["problems"].append(f"no org shown: {error}")
        return
    data["org"] = config.github.org
    try:
        data["repositories"] = _org_repositories(data["forge"]["api_url"], Path(data["token_file"]), config)
    except Exception as error:
        data["problems"].append(f"repositories of {config.github.org} not read: {error}")
    try:
        from platform_cli.cli.project_local import recorded_projects
        from platform_cli.local.aws import session_for

        session = session_for(platform.aws.info(), DEFAULT_ACCOUNT)
        data["projects"] = [project.to_json() for project in recorded_projects(config, session)]
    except Exception as error:
        data["problems"].append(f"projects not read: {error}")


def _org_repositories(api_url: str, token_file: Path, config: Any) -> list[dict[str, Any]]:
    from github import Auth, Github

    github = Github(base_url=api_url, auth=Auth.Token(token_file.read_text(encoding="utf-8").strip()), timeout=10)
    return [
        {
            "name": repo.name,
            "url": repo.html_url,
            "template": bool(repo.is_template),
            "archived": bool(repo.archived),
        }
        for repo in github.get_organization(config.github.org).get_repos()
    ]


def _print_status(data: dict[str, Any]) -> None:
    aws, forge = data["aws"], data["forge"]

    def uptime(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.0f}s"

    def state(service: dict[str, Any]) -> str:
        return {
            "healthy": "running, healthy",
            "not answering": "NOT ANSWERING (its process lives; `mlops local down`, then `up`)",
        }.get(service["state"], "not running")

    table(
        None,
        ["service", "state", "endpoint", "pid", "uptime"],
        [
            ["local AWS", state(aws), aws["endpoint_url"] or "-", aws["pid"] or "-", uptime(aws["uptime_seconds"])],
            [
                "local forge",
                state(forge),
                forge["api_url"] or "-",
                forge["pid"] or "-",
                uptime(forge["uptime_seconds"]),
            ],
        ],
    )
    if aws["running"]:
        accounts = ", ".join(f"{env} {account}" for env, account in aws["accounts"].items())
        stdout.print(f"accounts: {accounts}; profiles in {aws['config_file']}", markup=False)
    if not (aws["running"] and forge["running"]):
        stdout.print("start them with `mlops local up`", markup=False)
        return
    if data["org"]:
        repos = data["repositories"]
        table(
            f"Repositories of {data['org']} ({len(repos)})",
            ["repository", "kind", "url"],
            [[r["name"], _repo_kind(r), r["url"]] for r in repos],
        )
        projects = data["projects"]
        table(
            f"Projects ({len(projects)})",
            ["project", "project id", "template kind", "repositories"],
            [[p["name"], p["id"], p["template"], ", ".join(p["repositories"]) or "-"] for p in projects],
        )
    for problem in data["problems"]:
        stdout.print(f"note: {problem}", markup=False)


def _repo_kind(repo: dict[str, Any]) -> str:
    kind = "template" if repo["template"] else "repository"
    return f"{kind} (archived)" if repo["archived"] else kind


@app.command()
def decisions(
    ctx: typer.Context,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    last: Annotated[int, typer.Option("--last", "-n", help="How many of the latest decisions.")] = 20,
    principal: Annotated[str | None, typer.Option(help="Only principals whose ARN contains this.")] = None,
    denied: Annotated[bool, typer.Option("--denied", help="Only denials.")] = False,
) -> None:
    """List local AWS's latest IAM decisions (principal, action, resource, outcome).

    --output json: [{"principal", "action", "resource", "allowed", "enforced", "reason", "message"}].
    """
    context = cli_context(ctx)
    from platform_cli.local.iam.log import read, select  # the `local` extra, as _platform

    logged = list(read(_platform(state_dir).aws.decisions_file))
    emit(context, select(logged, last=last, principal=principal, denied_only=denied), _print_decisions)


def _print_decisions(rows: list[dict[str, Any]]) -> None:
    """One line per decision (ARNs are long; a table would cut them, and rich would read ``:secret:`` as an emoji)."""

    def outcome(d: dict[str, Any]) -> str:
        return "allowed" if d["allowed"] else ("DENIED" if d["enforced"] else "denied (permissive: let through)")

    for d in rows:
        line = f"{outcome(d)}  {d['principal']}  {d['action']}  {d['resource']}"
        stdout.print(line, markup=False, emoji=False, highlight=False)
        if not d["allowed"]:
            stdout.print(f"  {d['message']}", markup=False, emoji=False, highlight=False)
    if not rows:
        stdout.print("no decisions match", markup=False)
