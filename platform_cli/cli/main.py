"""The ``mlops`` command: global options, and one sub-command group per module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platform_cli import __version__
from platform_cli.cli import bootstrap_cmd, config_cmd, demo_cmd, doctor, github_cmd, local_cmd, org_cmd, project_cmd
from platform_cli.cli.context import CliContext, OutputFormat
from platform_cli.cli.errors import GuardedGroup
from platform_cli.cli.help_format import show_flags_without_type
from platform_cli.config import DEFAULT_CONFIG_PATH

show_flags_without_type()
app = typer.Typer(
    cls=GuardedGroup,
    name="mlops",
    help="Run a secure, multi-account MLOps platform on AWS from your GitHub organisation.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
app.add_typer(config_cmd.app, name="config")
app.add_typer(org_cmd.app, name="org")
app.add_typer(project_cmd.app, name="project")
app.add_typer(github_cmd.app, name="github")
app.add_typer(local_cmd.app, name="local")
app.command(name="doctor")(doctor.doctor)
app.command(name="demo")(demo_cmd.demo)
app.command(name="bootstrap")(bootstrap_cmd.bootstrap)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mlops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path, typer.Option("--config", "-c", help="Path to platform.yaml.", envvar="MLOPS_CONFIG")
    ] = DEFAULT_CONFIG_PATH,
    output: Annotated[
        OutputFormat, typer.Option("--output", "-o", help="text for people, json for scripts.")
    ] = OutputFormat.TEXT,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Global options apply to every command."""
    ctx.obj = CliContext(config_path=config, output=output, debug=debug)


def run() -> None:
    """Console-script entry point."""
    app()
