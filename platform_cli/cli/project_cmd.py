"""``mlops project``: create, list, describe, sync and delete SageMaker projects and their repositories.

Each command talks to one ``ProjectBackend`` (project_backend.py), chosen once from where the configured AWS
session points: local AWS (the embedded defaults; Service Catalog launches the template kind's product) or AWS
(SageMaker CreateProject/DeleteProject through the template kind's Service Catalog product). describe and sync
read the project from the backend and reconcile its repositories on GitHub, the same way on both.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import aws_session, credentials, github_client
from platform_cli.cli.output import emit, progress, stdout, table
from platform_cli.cli.project_backend import (
    NewProject,
    ProjectBackend,
    ProjectError,
    ProjectSummary,
    check_retrain_option,
    select_backend,
)
from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.properties import request_from_properties
from platform_cli.lambdas.settings import settings_from_config
from platform_cli.project_templates.properties import offers_bring_your_own_container
from platform_cli.provisioning import names
from platform_cli.provisioning.desired import desired_repos
from platform_cli.provisioning.reconcile import Reconciler

app = typer.Typer(help="SageMaker projects and their GitHub repositories.", no_args_is_help=True)

__all__ = ["ProjectError", "app"]


def _backend(config: PlatformConfig) -> ProjectBackend:
    return select_backend(config, aws_session(config))


POLICY_DONE = {"archive": "archived", "delete": "deleted", "retain": "kept as they are"}


def _render_record(record: dict[str, Any], template: str) -> None:
    name = record["ProjectName"]
    stdout.print(f"project {name} ({record['ProjectId']}), template {template}", markup=False)
    data = record.get("Data")
    if data is None:  # AWS: SageMaker answered; CloudFormation and the provisioning Lambda now do the work
        stdout.print(
            "SageMaker is creating it: its stack runs the template and the provisioning Lambda, which creates the "
            f"repositories; follow it with `mlops project describe {name}`",
            markup=False,
        )
        return
    urls = sorted((k.removesuffix("RepoUrl").lower(), v) for k, v in data.items() if k.endswith("RepoUrl"))
    if urls:
        table(None, ["part", "repository url"], urls)
    for line in filter(None, str(data.get("Skipped", "")).split("; ")):
        stdout.print(f"  skipped: {line}", markup=False)
    stdout.print(f"see it with `mlops project describe {name}`", markup=False)


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
    bring_your_own_container: Annotated[
        bool,
        typer.Option(
            "--bring-your-own-container",
            help="Also create a container-build repository and the project's ECR repositories; the build pipeline "
            "then trains and serves with that image (build-deploy templates only).",
        ),
    ] = False,
) -> None:
    """Create a project: its repositories appear, wired and protected, or the command fails with the reason.

    --output json: the project's record: {"ProjectName", "ProjectId", ...}; on local AWS also "TemplateKind",
    "BusinessUnit", "DeletePolicy", "TemplateParameters", "CreatedAt", "Data" (each repository's "<Part>RepoUrl"),
    "Outputs" (the project stack's), "ProvisionedProductId", "StackArn" and "StackStatus"; on AWS "ProjectArn".
    """
    names.project_name(name)  # before any call: SageMaker would refuse it after repos were made
    context = cli_context(ctx)
    config = context.config()
    if template not in config.templates.enabled:
        raise ProjectError(f"template {template.value} is not enabled in platform.yaml (templates.enabled)")
    check_retrain_option(template, retrain_on_new_data)
    if bring_your_own_container and not offers_bring_your_own_container(template):
        raise ProjectError(
            f"template {template.value} does not offer --bring-your-own-container; use build-deploy-realtime or "
            "build-deploy-batch"
        )
    request = NewProject(
        name=name,
        kind=template,
        business_unit=business_unit or next(iter(config.business_units)),
        project_id=project_id,
        user=user,
        delete_policy=delete_policy,
        timeout_seconds=timeout,
        retrain_on_new_data=retrain_on_new_data,
        bring_your_own_container=bring_your_own_container,
    )
    emit(context, _backend(config).create(request), lambda record: _render_record(record, template.value))


@app.command("list")
def list_projects(ctx: typer.Context) -> None:
    """List projects (every page): name, id, status, template kind, repositories and when each was created.

    --output json: [{"name", "id", "status", "template", "repositories": ["owner/name"], "created": ISO 8601 or
    null}].
    """
    context = cli_context(ctx)
    projects = _backend(context.config()).list()
    emit(
        context,
        [project.to_json() for project in projects],
        lambda data: _render_list(projects),
    )


def _render_list(projects: list[ProjectSummary]) -> None:
    if not projects:
        stdout.print("no projects yet; create one with `mlops project create NAME --template KIND`", markup=False)
        return
    table(
        f"Projects ({len(projects)})",
        ["project", "project id", "status", "template kind", "repositories", "created (UTC)"],
        [[p.name, p.id, p.status, p.template, "\n".join(p.repositories) or "-", _when(p.created)] for p in projects],
    )


def _when(iso: str | None) -> str:
    return iso.replace("T", " ").removesuffix("+00:00") if iso else "-"


def _reconciler(config: PlatformConfig, record: dict[str, Any], timeout: float) -> tuple[Reconciler, Any]:
    _, _, secret_id = credentials(config)
    settings = settings_from_config(config, secret_id)
    request = request_from_properties(record["Properties"], settings)
    deadline = Deadline(timeout)
    deadline.on_wait = progress
    return Reconciler(github_client(config, deadline), deadline), request


@app.command("describe")
def describe(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Project name.")]) -> None:
    """Show a project: its id, status, template kind, business unit, delete policy, when it was created, and each
    repository (URL, template it came from, environments, whether it exists or is archived on GitHub).

    --output json: {"name", "id", "status", "template", "business_unit", "delete_policy", "created",
    "repositories": [{"part", "repo", "url", "template", "exists", "archived", "environments": [name]}],
    "skipped": [str]}.
    """
    context = cli_context(ctx)
    config = context.config()
    record = _backend(config).record(name, github_client(config))
    reconciler, request = _reconciler(config, record, 60.0)
    desired = desired_repos(request)
    repos = reconciler.describe(desired)
    for row, wanted in zip(repos, desired, strict=True):
        row["template"] = wanted.template_full_name
    properties = record.get("Properties") or {}
    data = {
        "name": record["ProjectName"],
        "id": record["ProjectId"],
        "status": record.get("ProjectStatus", "CreateCompleted"),
        "template": record.get("TemplateKind", "-"),
        "business_unit": record.get("BusinessUnit") or properties.get("BusinessUnit"),
        "delete_policy": properties.get("DeletePolicy", "archive"),
        "created": record.get("CreatedAt"),
        "repositories": repos,
        "skipped": [s for s in str((record.get("Data") or {}).get("Skipped", "")).split("; ") if s],
    }
    emit(context, data, _render_describe)


def _render_describe(d: dict[str, Any]) -> None:
    rows = [
        ("project", d["name"]),
        ("project id", d["id"]),
        ("status", d["status"]),
        ("template kind", d["template"]),
        ("business unit", d["business_unit"] or "-"),
        (
            "delete policy",
            f"{d['delete_policy']} (its repositories are {POLICY_DONE.get(d['delete_policy'], '?')} "
            "when it is deleted)",
        ),
        ("created (UTC)", _when(d["created"])),
    ]
    for label, value in rows:
        stdout.print(f"{label + ':':15} {value}", markup=False)

    def state(r: dict[str, Any]) -> str:
        return "archived" if r["archived"] else ("present" if r["exists"] else "MISSING")

    table(
        "Repositories",
        ["part", "repository", "on GitHub", "environments", "made from template"],
        [
            [r["part"], r["repo"], state(r), ", ".join(r.get("environments") or []) or "-", r["template"]]
            for r in d["repositories"]
        ],
    )
    for r in d["repositories"]:
        if r["url"]:
            stdout.print(f"{r['part']}: {r['url']}", markup=False)
    for line in d["skipped"]:
        stdout.print(f"skipped: {line}", markup=False)


@app.command("sync")
def sync(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name.")],
    rotate_secrets: Annotated[bool, typer.Option("--rotate-secrets", help="Re-write every secret.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds the reconcile may take.")] = 300.0,
) -> None:
    """Re-reconcile a project's repositories (repairs drift); prints what changed. Works on local AWS and on
    AWS (the project's id from SageMaker, its template kind from its repositories). The requesting user's
    access is left as it is.

    --output json: {"project", "changes": [str]} (no changes: in sync).
    """
    context = cli_context(ctx)
    config = context.config()
    record = _backend(config).record(name, github_client(config))
    reconciler, request = _reconciler(config, record, timeout)
    repos = desired_repos(request)
    rotate = {n for repo in repos for n in repo.secrets} if rotate_secrets else set()
    result = reconciler.apply(repos, rotate_secrets=rotate)

    def render(data: dict[str, Any]) -> None:
        if not data["changes"]:
            stdout.print(f"project {name} is in sync: nothing to change", markup=False)
            return
        stdout.print(f"project {name}: {len(data['changes'])} change(s) made", markup=False)
        for line in data["changes"]:
            stdout.print(f"  {line}", markup=False)

    emit(context, {"project": name, "changes": result.changes}, render)


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a project; its repositories are archived, deleted or kept per its delete policy.

    --output json: {"project", "deleted": true, "policy": "archive"|"delete"|"retain"|null} (null: AWS, where
    CloudFormation applies the project's own policy).
    """
    context = cli_context(ctx)
    backend = _backend(context.config())
    question = backend.delete_question(name)
    if not yes:
        typer.confirm(question, abort=True)
    result = backend.delete(name)
    emit(
        context,
        {"project": name, "deleted": bool(result.get("deleted")), "policy": result.get("policy")},
        _render_deleted,
    )


def _render_deleted(d: dict[str, Any]) -> None:
    policy = d["policy"]
    if policy is None:
        stdout.print(
            f"Deleted project {d['project']}; CloudFormation handles its repositories per their delete policy.",
            markup=False,
        )
        return
    stdout.print(
        f"Deleted project {d['project']}; its repositories were {POLICY_DONE.get(policy, policy)}.", markup=False
    )
