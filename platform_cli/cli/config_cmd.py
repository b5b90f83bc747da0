"""``mlops config``: create, check and show platform.yaml."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
import yaml

from platform_cli.cli.context import API_URL_ENV, cli_context
from platform_cli.cli.errors import fail
from platform_cli.cli.output import emit, info, stdout
from platform_cli.config import parse_config, placeholder_problems, read_yaml, validation_problems
from platform_cli.config_template import EXAMPLE_VALUES, render_config

app = typer.Typer(help="Create, check and show platform.yaml.", no_args_is_help=True)


@app.command()
def init(
    ctx: typer.Context,
    org: Annotated[str, typer.Option(help="GitHub organisation.")] = EXAMPLE_VALUES["org"],
    region: Annotated[str, typer.Option(help="AWS region.")] = EXAMPLE_VALUES["region"],
    api_url: Annotated[str, typer.Option(help="GitHub REST API URL.")] = EXAMPLE_VALUES["api_url"],
    auth: Annotated[str, typer.Option(help="pat or app.")] = EXAMPLE_VALUES["auth"],
    app_id: Annotated[
        int, typer.Option(help="GitHub App id (auth app); default: a placeholder validate rejects.")
    ] = EXAMPLE_VALUES["app_id"],
    installation_id: Annotated[
        int, typer.Option(help="GitHub App installation id (auth app); default: a placeholder.")
    ] = EXAMPLE_VALUES["installation_id"],
    business_unit: Annotated[str, typer.Option(help="First business unit.")] = EXAMPLE_VALUES["business_unit"],
    dev_account: Annotated[str, typer.Option(help="Dev account id (default: a placeholder).")] = EXAMPLE_VALUES[
        "dev_account"
    ],
    preprod_account: Annotated[str, typer.Option(help="Preprod account id.")] = EXAMPLE_VALUES["preprod_account"],
    prod_account: Annotated[str, typer.Option(help="Prod account id.")] = EXAMPLE_VALUES["prod_account"],
    reviewers: Annotated[str, typer.Option(help="Team slug of approvers.")] = EXAMPLE_VALUES["reviewers"],
    maintainers: Annotated[str, typer.Option(help="Team slug of maintainers.")] = EXAMPLE_VALUES["maintainers"],
    naming_prefix: Annotated[str, typer.Option(help="Name prefix.")] = EXAMPLE_VALUES["naming_prefix"],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a documented platform.yaml (to --config's path) from these values.

    --output json: {"written": path, "placeholders": [field]} (the fields still holding placeholder values).
    """
    context = cli_context(ctx)
    path = context.config_path
    if path.exists() and not force:
        fail(f"{path} already exists; pass --force to overwrite it")
    values = {**EXAMPLE_VALUES, **{k: v for k, v in locals().items() if k in EXAMPLE_VALUES}}
    text = render_config(values)
    config = parse_config(yaml.safe_load(text), source=str(path))  # refuse to write a file that would not validate
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    placeholders = [problem.split(": ")[1] for problem in placeholder_problems(config, str(path))]

    def render(data: dict[str, Any]) -> None:
        if data["placeholders"]:
            info(f"wrote {data['written']}; placeholders to replace: {', '.join(data['placeholders'])}")
            info("edit them (or pass --app-id, --installation-id, --dev-account, ...), then `mlops config validate`")
        else:
            info(f"wrote {data['written']}; check it with `mlops config validate`")

    emit(context, {"written": str(path), "placeholders": placeholders}, render)


@app.command()
def validate(ctx: typer.Context) -> None:
    """Check platform.yaml and list every problem, one line each.

    --output json: {"file": path, "valid": bool, "problems": [str]}; exit 1 when not valid.
    """
    context = cli_context(ctx)
    problems = validation_problems(context.config_path, os.environ.get(API_URL_ENV))
    emit(
        context,
        {"file": str(context.config_path), "valid": not problems, "problems": problems},
        lambda d: stdout.print(f"{d['file']}: valid", markup=False) if d["valid"] else None,
    )
    if problems:
        if context.output.value == "text":
            for problem in problems:
                typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)


@app.command()
def show(ctx: typer.Context) -> None:
    """Print the validated configuration with every default filled in.

    --output json: the configuration as an object, with the keys of platform.yaml (defaults filled in).
    """
    context = cli_context(ctx)
    config = parse_config(read_yaml(context.config_path), source=str(context.config_path))
    data = config.model_dump(mode="json")
    emit(context, data, lambda d: stdout.print(_as_yaml(d), markup=False, end=""))


def _as_yaml(data: Any) -> str:
    return str(yaml.safe_dump(data, sort_keys=False))
