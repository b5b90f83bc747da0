"""``mlops local``: the embedded defaults (local AWS and the local GitHub forge) for rehearsals and tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.output import emit, info, stdout, table
from platform_cli.local.paths import DEFAULT_STATE_DIR

if TYPE_CHECKING:
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
    """Start local AWS (moto) and the forge on 127.0.0.1, and seed the org of platform.yaml."""
    context = cli_context(ctx)
    config = context.config()
    mode = "permissive" if permissive else None  # None: MLOPS_LOCAL_IAM, else the evaluator's default
    platform = _platform(state_dir, iam_mode=mode)  # first: without the `local` extra this is the one-line error
    info("starting local AWS and the local forge …")
    if permissive:
        from platform_cli.local.iam.mode import PERMISSIVE_WARNING

        info(PERMISSIVE_WARNING)
    started = platform.up(config, aws_port=aws_port, forge_port=forge_port)
    emit(context, started.to_json(), _print_up)


def _print_up(data: dict[str, Any]) -> None:
    aws, forge = data["aws"], data["forge"]
    table(
        None,
        ["service", "endpoint", "pid"],
        [["local AWS", aws["endpoint_url"], aws["pid"]], ["local forge", forge["api_url"], forge["pid"]]],
    )
    accounts = ", ".join(f"{env} {account}" for env, account in aws["accounts"].items())
    stdout.print(f"accounts: {accounts} (AWS_CONFIG_FILE={aws['config_file']})", markup=False)
    stdout.print(f"org {data['org']} seeded; the platform's token is in {data['token_file']}", markup=False)


@app.command()
def down(ctx: typer.Context, state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Stop exactly the servers that `mlops local up` started here."""
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
    """Show endpoints, accounts and uptime of the local servers."""
    context = cli_context(ctx)
    emit(context, _platform(state_dir).status(), _print_status)


def _print_status(data: dict[str, Any]) -> None:
    aws, forge = data["aws"], data["forge"]

    def uptime(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.0f}s"

    table(
        None,
        ["service", "state", "endpoint", "pid", "uptime"],
        [
            [
                "local AWS",
                "running" if aws["running"] else "stopped",
                aws["endpoint_url"] or "-",
                aws["pid"] or "-",
                uptime(aws["uptime_seconds"]),
            ],
            [
                "local forge",
                "running" if forge["running"] else "stopped",
                forge["api_url"] or "-",
                forge["pid"] or "-",
                uptime(forge["uptime_seconds"]),
            ],
        ],
    )
    if aws["running"]:
        accounts = ", ".join(f"{env} {account}" for env, account in aws["accounts"].items())
        stdout.print(f"accounts: {accounts}; profiles in {aws['config_file']}", markup=False)


@app.command()
def decisions(
    ctx: typer.Context,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    last: Annotated[int, typer.Option("--last", "-n", help="How many of the latest decisions.")] = 20,
    principal: Annotated[str | None, typer.Option(help="Only principals whose ARN contains this.")] = None,
    denied: Annotated[bool, typer.Option("--denied", help="Only denials.")] = False,
) -> None:
    """List local AWS's latest IAM decisions (principal, action, resource, outcome)."""
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
