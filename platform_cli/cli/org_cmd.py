"""``mlops org``: publish the platform's repositories and org-level variables into the GitHub organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

import platform_cli
from platform_cli import __version__
from platform_cli.bootstrap.runner import outputs_path, read_outputs
from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import credentials, github_client
from platform_cli.cli.output import emit, info, stdout
from platform_cli.config import ENVIRONMENTS, PlatformConfig
from platform_cli.errors import PlatformError
from platform_cli.github.base_settings import BaseInfrastructureSettings, org_variables, settings_from_outputs
from platform_cli.github.publish import kit_items, publish
from platform_cli.provisioning.errors_map import step

app = typer.Typer(help="The GitHub organisation: publish the kit's repositories.", no_args_is_help=True)


DEFAULT_BOOTSTRAP_OUTPUTS = Path(".mlops-local/bootstrap")


def base_settings(config: PlatformConfig, business_unit: str | None, directory: Path) -> BaseInfrastructureSettings:
    """The base-infrastructure repository's settings from the stack outputs `mlops bootstrap` left in
    ``directory`` (``bootstrap.sh --outputs-file`` writes the same file for one account)."""
    if business_unit is None:
        if len(config.business_units) != 1:
            known = ", ".join(sorted(config.business_units))
            raise PlatformError(f"platform.yaml has several business units ({known}); pass --business-unit NAME")
        business_unit = next(iter(config.business_units))
    unit = config.business_unit(business_unit)
    outputs = {
        environment: read_outputs(outputs_path(directory, business_unit, environment, unit.account(environment)))
        for environment in ENVIRONMENTS
    }
    try:
        return settings_from_outputs(outputs)
    except ValueError as error:
        raise PlatformError(str(error)) from None


def _is_kit(path: Path) -> bool:
    return (path / "base-infrastructure").is_dir() or (path / "template-repos").is_dir()


def default_kit(cwd: Path | None = None) -> Path:
    """The kit to publish without --kit: the current directory when it holds one, else the source checkout this
    package runs from (``pip install -e``), else the current directory (which then fails, naming --kit)."""
    here = cwd or Path.cwd()
    checkout = Path(platform_cli.__file__).resolve().parent.parent
    return here if _is_kit(here) or not _is_kit(checkout) else checkout


@app.command("publish")
def publish_cmd(
    ctx: typer.Context,
    kit: Annotated[
        Path | None,
        typer.Option(
            "--kit",
            help="Root of this kit (holds base-infrastructure/); default: this directory if it holds one, else the "
            "checkout this mlops runs from.",
        ),
    ] = None,
    bootstrap_outputs: Annotated[
        Path,
        typer.Option(
            help="Where `mlops bootstrap` wrote each account's stack outputs (<unit>-<env>-<account>.outputs.json)."
        ),
    ] = DEFAULT_BOOTSTRAP_OUTPUTS,
    business_unit: Annotated[
        str | None,
        typer.Option("--business-unit", "-b", help="Business unit of platform.yaml (default: the only one)."),
    ] = None,
) -> None:
    """Create or update base-infrastructure and every template repository (marked as templates), the
    base-infrastructure environments (dev, preprod and prod; preprod and prod reviewed) with the variables its
    workflows read (from each account's bootstrap stack outputs), and the org variables. Idempotent: a second run
    changes nothing.

    --output json: {"changes": [str], "repos": {name: html_url}, "skipped": [str]}.
    """
    context = cli_context(ctx)
    config = context.config()
    settings = base_settings(config, business_unit, bootstrap_outputs)
    kit = kit if kit is not None else default_kit()
    items = kit_items(
        kit, config.github.base_infrastructure_repo, config.github.repo_visibility, context.config_path.resolve()
    )
    if not items:
        raise PlatformError(f"{kit}: no base-infrastructure/ or template-repos/ here; pass --kit PATH")
    creds, _, _ = credentials(config)
    gh = github_client(config)
    with step("getting a token for git"):
        # PAT: the token itself; App: the installation token PyGithub fetched for the client.
        auth = gh.requester.auth
        token = creds.token.reveal() if creds.token is not None else str(getattr(auth, "token", ""))
    info(f"publishing {len(items)} repositories from {kit.resolve()} to {config.github.org}...")
    with step(f"publishing to {config.github.org}"):
        result = publish(
            gh,
            config.github.org,
            items,
            token,
            org_variables(config.aws.region, config.naming_prefix),
            __version__,
            settings,
            config.teams.reviewers,
        )

    def render(data: dict[str, Any]) -> None:
        for line in data["changes"] or ["nothing to change"]:
            stdout.print(line, markup=False)
        for line in data["skipped"]:
            stdout.print(f"skipped: {line}", markup=False)

    emit(context, {"changes": result.changes, "repos": result.repos, "skipped": result.skipped}, render)
