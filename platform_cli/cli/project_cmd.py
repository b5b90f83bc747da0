"""``mlops project``: create, list, describe, sync and delete SageMaker projects and their repositories.

On local AWS (``AWS_ENDPOINT_URL`` set: the embedded defaults) the CLI plays CloudFormation for the project's
``Custom::ProjectRepos``: it sends the real handler the event CloudFormation would send, with a pre-signed S3
response URL, and reads the answer back. On real AWS it goes through SageMaker CreateProject/DeleteProject
(the Service Catalog product of the template kind), and CloudFormation calls the Lambda.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import (
    aws_session,
    credentials,
    github_client,
    is_local,
    write_budget,
    write_pacing,
)
from platform_cli.cli.output import emit, info, stdout, table
from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.errors import PlatformError
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
from platform_cli.lambdas.properties import request_from_properties
from platform_cli.lambdas.settings import LambdaSettings, settings_from_config
from platform_cli.local.cloudformation_player import LocalCloudFormation, new_project_id, template_properties
from platform_cli.provisioning import names
from platform_cli.provisioning.desired import desired_repos
from platform_cli.provisioning.reconcile import Reconciler

app = typer.Typer(help="SageMaker projects and their GitHub repositories.", no_args_is_help=True)


class ProjectError(PlatformError):
    """A project command failed."""


def _settings(config: PlatformConfig, secret_id: str) -> LambdaSettings:
    return settings_from_config(config, secret_id, write_pacing_seconds=write_pacing())


def local_cloudformation(config: PlatformConfig, session: Any | None = None) -> LocalCloudFormation:
    """The CloudFormation player against local AWS, wired to the real handler."""
    session = session or aws_session(config)
    creds, auth, secret_id = credentials(config, session)
    settings = _settings(config, secret_id)

    def github(deadline: Deadline) -> Any:
        from platform_cli.github.client import ClientPolicy, build_client

        policy = ClientPolicy(seconds_between_writes=settings.write_pacing_seconds)
        return build_client(creds, settings.api_url, deadline, policy, auth=auth, budget=write_budget())

    resource = ProjectReposResource(Dependencies(settings=settings, github=github))
    dev = next(iter(config.business_units.values())).dev
    return LocalCloudFormation(
        s3=session.client("s3"),
        bucket=f"{config.naming_prefix}-local-cloudformation-{dev}",
        handler=resource,
        region=config.aws.region,
        account=dev,
        sagemaker=session.client("sagemaker"),
    )


def _fail_on(document: dict[str, Any]) -> None:
    if document.get("Status") != "SUCCESS":
        raise ProjectError(str(document.get("Reason") or "the custom resource failed without a reason"))


def _render_record(record: dict[str, Any]) -> None:
    stdout.print(f"{record['ProjectName']} ({record['ProjectId']}) [{record['TemplateKind']}]", markup=False)
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
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds the provisioning may take.")] = 300.0,
) -> None:
    """Create a project: its repositories appear, wired and protected, or the command fails with the reason."""
    names.project_name(name)  # before any call: SageMaker would refuse it after repos were made
    context = cli_context(ctx)
    config = context.config()
    if template not in config.templates.enabled:
        raise ProjectError(f"template {template.value} is not enabled in platform.yaml (templates.enabled)")
    unit = business_unit or next(iter(config.business_units))
    if not is_local():
        _create_on_aws(context, config, name, template, user, delete_policy)
        return
    cfn = local_cloudformation(config)
    if cfn.load_project(name) is not None:
        raise ProjectError(f"project {name} already exists; use `mlops project sync {name}` to repair it")
    pid = project_id or new_project_id()
    # --- issue 13 (chain): launch through Service Catalog as Studio does, when base-infrastructure published the
    # product in local AWS; the in-process player below remains only for local AWS without base-infrastructure.
    if _create_through_catalog(context, config, cfn, name, pid, template, unit, user, delete_policy):
        return
    info(
        f"no Service Catalog product for {template.value} in local AWS (base-infrastructure not applied): "
        "playing CloudFormation in-process"
    )
    properties = template_properties(
        config,
        project_name=name,
        project_id=pid,
        kind=template,
        business_unit=unit,
        requesting_user=user,
        delete_policy=delete_policy,
    )
    info(f"creating project {name} ({pid}) from {template.value}...")
    cfn.create_project_resources(properties)
    document = cfn.send("Create", f"SC-{pid}", properties, timeout_seconds=timeout)
    if document.get("Status") != "SUCCESS":
        # CloudFormation rolls back: it sends Delete for what it created.
        cfn.send("Delete", f"SC-{pid}", properties, physical_id=document["PhysicalResourceId"])
        cfn.delete_project_resources(properties)
        _fail_on(document)
    record = {
        "ProjectName": name,
        "ProjectId": pid,
        "TemplateKind": template.value,
        "BusinessUnit": unit,
        "PhysicalResourceId": document["PhysicalResourceId"],
        "Properties": properties,
        "Data": document.get("Data") or {},
    }
    cfn.save_project(record)
    emit(context, record, _render_record)


def _create_on_aws(
    context: Any, config: PlatformConfig, name: str, kind: TemplateKind, user: str | None, policy: str
) -> None:
    session = aws_session(config)
    catalog = session.client("servicecatalog")
    product_name = f"{config.naming_prefix}-{kind.value}"
    found = catalog.search_products(Filters={"FullTextSearch": [product_name]}).get("ProductViewSummaries", [])
    product = next((p for p in found if p.get("Name") == product_name), None)
    if product is None:
        raise ProjectError(f"no Service Catalog product {product_name}; apply base-infrastructure first")
    artifacts = catalog.list_provisioning_artifacts(ProductId=product["ProductId"])["ProvisioningArtifactDetails"]
    active = [a for a in artifacts if a.get("Active", True)] or artifacts
    sagemaker = session.client("sagemaker")
    response = sagemaker.create_project(
        ProjectName=name,
        ProjectDescription=f"{kind.value} project created with mlops",
        ServiceCatalogProvisioningDetails={
            "ProductId": product["ProductId"],
            "ProvisioningArtifactId": active[-1]["Id"],
            "ProvisioningParameters": [
                {"Key": "GitHubUsername", "Value": user or ""},
                {"Key": "RepositoryDeletePolicy", "Value": policy},
            ],
        },
    )
    emit(context, {"ProjectName": name, "ProjectId": response["ProjectId"], "ProjectArn": response["ProjectArn"]})


# --- issue 13 (chain): the local path through Service Catalog → CloudFormation → the provisioning Lambda ------------


def _create_through_catalog(
    context: Any,
    config: PlatformConfig,
    cfn: LocalCloudFormation,
    name: str,
    pid: str,
    kind: TemplateKind,
    unit: str,
    user: str | None,
    policy: str,
) -> bool:
    """Launch the product as a data scientist in Studio; False when local AWS has no product for ``kind``."""
    from platform_cli.local.project_chain import launch_in_studio, repo_urls

    info(f"launching {config.naming_prefix}-{kind.value} for project {name} ({pid}) through Service Catalog...")
    launched = launch_in_studio(
        aws_session(config),
        naming_prefix=config.naming_prefix,
        template_kind=kind.value,
        project_name=name,
        user=user,
        delete_policy=policy,
        project_id=pid,
    )
    if launched is None:
        return False
    if not launched.succeeded:
        reason = "; ".join(launched.errors) or f"stack {launched.stack_status}"
        raise ProjectError(f"project {name} failed to launch ({launched.stack_status}): {reason}")
    # The record keeps what list/describe/sync read; sync still derives the properties by the template's rules.
    properties = template_properties(
        config,
        project_name=name,
        project_id=pid,
        kind=kind,
        business_unit=unit,
        requesting_user=user,
        delete_policy=policy,
    )
    record = {
        "ProjectName": name,
        "ProjectId": pid,
        "TemplateKind": kind.value,
        "BusinessUnit": unit,
        "PhysicalResourceId": pid,
        "Properties": properties,
        "Data": repo_urls(launched.outputs),
        "ProvisionedProductId": launched.provisioned_product_id,
        "StackArn": launched.stack_arn,
        "StackStatus": launched.stack_status,
    }
    cfn.save_project(record)
    emit(context, record, _render_record)
    return True


def _terminate_through_catalog(config: PlatformConfig, record: dict[str, Any]) -> None:
    from platform_cli.local.project_chain import terminate_project

    status = terminate_project(aws_session(config).client("servicecatalog"), record["ProvisionedProductId"])
    if status != "SUCCEEDED":
        raise ProjectError(f"terminating {record['ProjectName']} failed ({status}); see its stack's events")


@app.command("list")
def list_projects(ctx: typer.Context) -> None:
    """List projects."""
    context = cli_context(ctx)
    config = context.config()
    if is_local():
        records = local_cloudformation(config).list_projects()
        rows = [[r["ProjectName"], r["ProjectId"], r["TemplateKind"], r["PhysicalResourceId"]] for r in records]
    else:
        projects = aws_session(config).client("sagemaker").list_projects(MaxResults=100)["ProjectSummaryList"]
        rows = [[p["ProjectName"], p["ProjectId"], p["ProjectStatus"], ""] for p in projects]
    emit(
        context,
        [dict(zip(["name", "id", "template", "physical_id"], row, strict=True)) for row in rows],
        lambda data: table("Projects", ["name", "id", "template", "repos"], rows),
    )


def _record(config: PlatformConfig, name: str) -> tuple[LocalCloudFormation, dict[str, Any]]:
    if not is_local():
        raise ProjectError("this needs local AWS (AWS_ENDPOINT_URL); on AWS use `mlops project describe|sync`")
    cfn = local_cloudformation(config)
    record = cfn.load_project(name)
    if record is None:
        raise ProjectError(f"no project named {name}; see `mlops project list`")
    return cfn, record


def aws_record(config: PlatformConfig, name: str, github: Any) -> dict[str, Any]:
    """A project on AWS as a record: its id from SageMaker, its template kind from its repositories' topics
    (every project repo carries its kind as a topic), the rest by the templates' naming rules."""
    from github.GithubException import UnknownObjectException

    from platform_cli.local.cloudformation_player import template_properties
    from platform_cli.provisioning.contract import load_contract

    try:
        project = aws_session(config).client("sagemaker").describe_project(ProjectName=name)
    except Exception:
        raise ProjectError(f"no SageMaker project named {name}; see `mlops project list`") from None
    project_id = str(project["ProjectId"])
    contract = load_contract()
    for kind, parts in contract.template_kinds.items():
        first = next(iter(parts))
        try:
            topics = github.get_repo(f"{config.github.org}/{name}-{project_id}-{first}").topics or []
        except UnknownObjectException:
            continue
        if kind.value in topics:
            unit = next(iter(config.business_units))
            properties = template_properties(
                config, project_name=name, project_id=project_id, kind=kind, business_unit=unit
            )
            return {"ProjectName": name, "ProjectId": project_id, "TemplateKind": kind.value, "Properties": properties}
    raise ProjectError(f"project {name} ({project_id}) has no repositories in {config.github.org}; nothing to sync")


def _project(config: PlatformConfig, name: str) -> dict[str, Any]:
    if is_local():
        return _record(config, name)[1]
    return aws_record(config, name, github_client(config))


def _reconciler(config: PlatformConfig, record: dict[str, Any], timeout: float) -> tuple[Reconciler, Any]:
    _, _, secret_id = credentials(config)
    settings = _settings(config, secret_id)
    request = request_from_properties(record["Properties"], settings)
    deadline = Deadline(timeout)
    return Reconciler(github_client(config, deadline), deadline), request


@app.command("describe")
def describe(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Project name.")]) -> None:
    """Show a project and the state of its repositories on GitHub (local AWS or AWS)."""
    context = cli_context(ctx)
    config = context.config()
    record = _project(config, name)
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
    record = _project(config, name)
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
    config = context.config()
    if not is_local():
        if not yes:
            typer.confirm(f"Delete SageMaker project {name}?", abort=True)
        aws_session(config).client("sagemaker").delete_project(ProjectName=name)
        emit(context, {"project": name, "deleted": True})
        return
    cfn, record = _record(config, name)
    policy = record["Properties"].get("DeletePolicy", "archive")
    if not yes:
        typer.confirm(f"Delete project {name} ({policy} its repositories)?", abort=True)
    if record.get("ProvisionedProductId"):  # issue 13 (chain): launched through Service Catalog
        _terminate_through_catalog(config, record)
        cfn.delete_project(name)
        emit(context, {"project": name, "deleted": True, "policy": policy})
        return
    document = cfn.send(
        "Delete", f"SC-{record['ProjectId']}", record["Properties"], physical_id=record["PhysicalResourceId"]
    )
    _fail_on(document)
    cfn.delete_project_resources(record["Properties"])
    cfn.delete_project(name)
    emit(context, {"project": name, "deleted": True, "policy": policy})
