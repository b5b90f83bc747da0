"""``mlops project``: create, list, describe, sync and delete SageMaker projects and their repositories.

Each command talks to one ``ProjectBackend`` (project_backend.py), chosen once from where the configured AWS
session points: local AWS (the embedded defaults; the local CloudFormation player calls the real handler) or AWS
(SageMaker CreateProject/DeleteProject through the template kind's Service Catalog product). describe and sync
read the project from the backend and reconcile its repositories on GitHub, the same way on both.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import aws_session, credentials, github_client
from platform_cli.cli.output import emit, stdout, table
from platform_cli.cli.project_backend import (
    NewProject,
    ProjectBackend,
    ProjectError,
    check_retrain_option,
    select_backend,
)
from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.properties import request_from_properties
from platform_cli.lambdas.settings import settings_from_config
from platform_cli.provisioning import names
from platform_cli.provisioning.desired import desired_repos
from platform_cli.provisioning.reconcile import Reconciler

app = typer.Typer(help="SageMaker projects and their GitHub repositories.", no_args_is_help=True)

__all__ = ["ProjectError", "app"]


def _backend(config: PlatformConfig) -> ProjectBackend:
    return select_backend(config, aws_session(config))


def _render_record(record: dict[str, Any]) -> None:
    stdout.print(f"{record['ProjectName']} ({record['ProjectId']}) [{record.get('TemplateKind', '-')}]", markup=False)
    for key, value in sorted((record.get("Data") or {}).items()):
        if key.endswith("RepoUrl"):
            stdout.print(f"  {key.removesuffix('RepoUrl').lower():10} {value}", markup=False)
    for line in filter(None, str((record.get("Data") or {}).get("Skipped", "")).split("; ")):
        stdout.print(f"  skipped: {line}", markup=False)


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name (SageMaker rules: 1-32 of a-z A-Z 0-9 -).")],
    template: Annotated[TemplateKind, typer.Option("--template", "-t", help="Project template.")],
    project_id: Annotated[str | None, typer.Option("--id", help="Project id (local only; default: new).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Your GitHub login (gets write access).")] = None,
    delete_policy: Annotated[
        str, typer.Option("--delete-policy", help="archive, delete or retain the repos on delete.")
    ] = "archive",
    business_unit: Annotated[str | None, typer.Option("--business-unit", help="Business unit (accounts).")] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds the whole create may take, a rollback included.")
    ] = 300.0,
    retrain_on_new_data: Annotated[
        bool,
        typer.Option(
            "--retrain-on-new-data",
            help="Start the model-build pipeline when data lands under s3://<artifact bucket>/data/ (one run a burst).",
        ),
    ] = False,
) -> None:
    """Create a project: its repositories appear, wired and protected, or the command fails with the reason."""
    names.project_name(name)  # before any call: SageMaker would refuse it after repos were made
    context = cli_context(ctx)
    config = context.config()
    if template not in config.templates.enabled:
        raise ProjectError(f"template {template.value} is not enabled in platform.yaml (templates.enabled)")
    check_retrain_option(template, retrain_on_new_data)
    request = NewProject(
        name=name,
        kind=template,
        business_unit=business_unit or next(iter(config.business_units)),
        project_id=project_id,
        user=user,
        delete_policy=delete_policy,
        timeout_seconds=timeout,
        retrain_on_new_data=retrain_on_new_data,
    )
    emit(context, _backend(config).create(request), _render_record)


@app.command("list")
def list_projects(ctx: typer.Context) -> None:
    """List projects (every page): name, id, status and template kind."""
    context = cli_context(ctx)
    projects = _backend(context.config()).list()
    emit(
        context,
        [project.to_json() for project in projects],
        lambda data: table(
            "Projects", ["name", "id", "status", "template"], [[p.name, p.id, p.status, p.template] for p in projects]
        ),
    )


def _reconciler(config: PlatformConfig, record: dict[str, Any], timeout: float) -> tuple[Reconciler, Any]:
    _, _, secret_id = credentials(config)
    settings = settings_from_config(config, secret_id)
    request = request_from_properties(record["Properties"], settings)
    deadline = Deadline(timeout)
    return Reconciler(github_client(config, deadline), deadline), request


@app.command("describe")
def describe(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Project name.")]) -> None:
    """Show a project and the state of its repositories on GitHub (local AWS or AWS)."""
    context = cli_context(ctx)
    config = context.config()
    record = _backend(config).record(name, github_client(config))
    reconciler, request = _reconciler(config, record, 60.0)
    repos = reconciler.describe(desired_repos(request))
    data = {**record, "Repositories": repos}

    def render(d: dict[str, Any]) -> None:
        _render_record(d)
        table(
            None,
            ["part", "repo", "exists", "archived"],
            [[r["part"], r["repo"], r["exists"], r["archived"]] for r in repos],
        )

    emit(context, data, render)


@app.command("sync")
def sync(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name.")],
    rotate_secrets: Annotated[bool, typer.Option("--rotate-secrets", help="Re-write every secret.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds the reconcile may take.")] = 300.0,
) -> None:
    """Re-reconcile a project's repositories (repairs drift); prints what changed. Works on local AWS and on
    AWS (the project's id from SageMaker, its template kind from its repositories). The requesting user's
    access is left as it is."""
    context = cli_context(ctx)
    config = context.config()
    record = _backend(config).record(name, github_client(config))
    reconciler, request = _reconciler(config, record, timeout)
    repos = desired_repos(request)
    rotate = {n for repo in repos for n in repo.secrets} if rotate_secrets else set()
    result = reconciler.apply(repos, rotate_secrets=rotate)

    def render(data: dict[str, Any]) -> None:
        for line in data["changes"] or ["in sync: nothing to change"]:
            stdout.print(line, markup=False)

    emit(context, {"project": name, "changes": result.changes}, render)


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a project; its repositories are archived, deleted or kept per its delete policy."""
    context = cli_context(ctx)
    backend = _backend(context.config())
    question = backend.delete_question(name)
    if not yes:
        typer.confirm(question, abort=True)
    emit(context, backend.delete(name))
