"""``mlops org``: publish the platform's repositories and org-level variables into the GitHub organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from platform_cli import __version__
from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import credentials, github_client
from platform_cli.cli.output import emit, info, stdout
from platform_cli.errors import PlatformError
from platform_cli.github.publish import kit_items, publish
from platform_cli.provisioning.errors_map import step

app = typer.Typer(help="The GitHub organisation: publish the kit's repositories.", no_args_is_help=True)


def org_variables(region: str, prefix: str) -> dict[str, str]:
    """The org-level Actions variables of the contract (same for every project)."""
    return {"MLOPS_AWS_REGION": region, "MLOPS_NAMING_PREFIX": prefix}


@app.command("publish")
def publish_cmd(
    ctx: typer.Context,
    kit: Annotated[Path, typer.Option("--kit", help="Root of this kit (holds base-infrastructure/).")] = Path(),
) -> None:
    """Create or update base-infrastructure and every template repository (marked as templates), and the
    org variables. Idempotent: a second run changes nothing."""
    context = cli_context(ctx)
    config = context.config()
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
    info(f"publishing {len(items)} repositories to {config.github.org}...")
    with step(f"publishing to {config.github.org}"):
        result = publish(
            gh,
            config.github.org,
            items,
            token,
            org_variables(config.aws.region, config.naming_prefix),
            __version__,
        )

    def render(data: dict[str, Any]) -> None:
        for line in data["changes"] or ["nothing to change"]:
            stdout.print(line, markup=False)

    emit(context, {"changes": result.changes, "repos": result.repos}, render)
