"""Projects on the embedded defaults: the local CloudFormation player sends the real provisioning handler the
events CloudFormation would send, and records projects in local AWS. A thin class on purpose: when the local
Studio chain (Service Catalog launch → CloudFormation → Lambda runtime) is complete, only this class changes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from platform_cli.cli.github_access import credentials, write_budget
from platform_cli.cli.output import info, progress, waiting
from platform_cli.cli.project_backend import NewProject, ProjectError, ProjectSummary
from platform_cli.config import PlatformConfig
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
from platform_cli.lambdas.settings import settings_from_config
from platform_cli.project_templates.properties import new_project_id, template_properties

if TYPE_CHECKING:
    from platform_cli.local.cloudformation_player import LocalCloudFormation

# Of --timeout, the share kept for the rollback's Delete (at most this many seconds).
ROLLBACK_RESERVE_SHARE = 1 / 3
ROLLBACK_RESERVE_SECONDS = 120.0


def registry_bucket(config: PlatformConfig) -> str:
    """The local AWS bucket (dev account) where the player answers CloudFormation and records projects."""
    dev = next(iter(config.business_units.values())).dev
    return f"{config.naming_prefix}-local-cloudformation-{dev}"


def _no_handler(event: dict[str, Any], context: Any) -> None:
    raise ProjectError("reading the local project registry sends no CloudFormation events")


def recorded_projects(config: PlatformConfig, session: Any) -> list[ProjectSummary]:
    """The projects recorded in local AWS (no GitHub token needed: ``mlops local status`` and ``project list``)."""
    from platform_cli.local.cloudformation_player import LocalCloudFormation  # needs the `local` extra

    registry = LocalCloudFormation(s3=session.client("s3"), bucket=registry_bucket(config), handler=_no_handler)
    return [summary(record) for record in registry.list_projects()]


def summary(record: dict[str, Any]) -> ProjectSummary:
    """A recorded project as a row of ``project list``."""
    return ProjectSummary(
        name=record["ProjectName"],
        id=record["ProjectId"],
        status="CreateCompleted",  # recorded only once its create succeeded (SageMaker's status name)
        template=record["TemplateKind"],
        repositories=repositories(record),
        created=record.get("CreatedAt"),
    )


def repositories(record: dict[str, Any]) -> tuple[str, ...]:
    """``owner/name`` of each repository the create reported (its ``<Part>RepoUrl`` data), sorted."""
    urls = [str(v) for k, v in (record.get("Data") or {}).items() if k.endswith("RepoUrl") and v]
    return tuple(sorted("/".join(urlparse(url).path.strip("/").split("/")[-2:]) for url in urls))


def local_cloudformation(config: PlatformConfig, session: Any) -> LocalCloudFormation:
    """The CloudFormation player against local AWS, wired to the real handler."""
    from platform_cli.local.cloudformation_player import LocalCloudFormation  # needs the `local` extra

    creds, auth, secret_id = credentials(config, session)
    settings = settings_from_config(config, secret_id)

    def github(deadline: Deadline) -> Any:
        from platform_cli.github.client import ClientPolicy, build_client

        deadline.on_wait = progress  # the handler's waits (generation polls, retry back-offs) shown as they start

        policy = ClientPolicy(seconds_between_writes=settings.write_pacing_seconds)
        return build_client(creds, settings.api_url, deadline, policy, auth=auth, budget=write_budget())

    resource = ProjectReposResource(Dependencies(settings=settings, github=github))
    dev = next(iter(config.business_units.values())).dev
    return LocalCloudFormation(
        s3=session.client("s3"),
        bucket=registry_bucket(config),
        handler=resource,
        region=config.aws.region,
        account=dev,
        sagemaker=session.client("sagemaker"),
    )


@dataclass(frozen=True)
class CreateBudget:
    """``--timeout`` covers the whole create, its rollback included: the Create gets the timeout less a reserve
    kept for the rollback's Delete, and the Delete gets whatever is left when the Create answered."""

    end: float
    create_seconds: float

    @classmethod
    def of(cls, timeout_seconds: float, *, now: float | None = None) -> CreateBudget:
        start = time.monotonic() if now is None else now
        reserve = min(ROLLBACK_RESERVE_SECONDS, timeout_seconds * ROLLBACK_RESERVE_SHARE)
        return cls(end=start + timeout_seconds, create_seconds=timeout_seconds - reserve)

    def remaining(self, *, now: float | None = None) -> float:
        current = time.monotonic() if now is None else now
        return max(self.end - current, 0.0)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fail_on(document: dict[str, Any]) -> None:
    if document.get("Status") != "SUCCESS":
        raise ProjectError(str(document.get("Reason") or "the custom resource failed without a reason"))


class LocalProjects:
    """The project backend for local AWS."""

    name = "local"

    def __init__(self, config: PlatformConfig, session: Any) -> None:
        self.config = config
        self.session = session
        self._cfn: LocalCloudFormation | None = None

    @property
    def cfn(self) -> LocalCloudFormation:
        if self._cfn is None:
            self._cfn = local_cloudformation(self.config, self.session)
        return self._cfn

    def _load(self, name: str) -> dict[str, Any]:
        record = self.cfn.load_project(name)
        if record is None:
            raise ProjectError(f"no project named {name}; see `mlops project list`")
        return record

    def _properties(self, request: NewProject, pid: str) -> dict[str, Any]:
        return template_properties(
            self.config,
            project_name=request.name,
            project_id=pid,
            kind=request.kind,
            business_unit=request.business_unit,
            requesting_user=request.user,
            delete_policy=request.delete_policy,
            bring_your_own_container=request.bring_your_own_container,
        )

    def create(self, request: NewProject) -> dict[str, Any]:
        if self.cfn.load_project(request.name) is not None:
            raise ProjectError(
                f"project {request.name} already exists; use `mlops project sync {request.name}` to repair it"
            )
        pid = request.project_id or new_project_id()
        # Launch through Service Catalog as Studio does, when base-infrastructure published the product in local
        # AWS (the chain); the in-process player below remains only for local AWS without base-infrastructure.
        launched = self._create_through_catalog(request, pid)
        if launched is not None:
            return launched
        if request.template_parameters():  # issue 17: options that are resources of the project stack
            raise ProjectError(
                f"{', '.join(request.template_parameters())} needs the project template's stack: apply "
                "base-infrastructure in local AWS (`mlops demo` does), then create the project again"
            )
        info(
            f"no Service Catalog product for {request.kind.value} in local AWS (base-infrastructure not applied): "
            "running the project's custom resource here, as its CloudFormation stack would"
        )
        properties = self._properties(request, pid)
        info(f"creating project {request.name} ({pid}) from {request.kind.value}...")
        budget = CreateBudget.of(request.timeout_seconds, now=request.started)
        self.cfn.create_project_resources(properties)
        document = self.cfn.send("Create", f"SC-{pid}", properties, timeout_seconds=budget.create_seconds)
        if document.get("Status") != "SUCCESS":
            # CloudFormation rolls back: it sends Delete for what it created, within what is left of --timeout.
            rollback_seconds = budget.remaining()
            info(f"create failed; rolling back within {rollback_seconds:.0f}s (what is left of --timeout)...")
            undone = self.cfn.send(
                "Delete",
                f"SC-{pid}",
                properties,
                physical_id=document["PhysicalResourceId"],
                timeout_seconds=rollback_seconds,
            )
            self.cfn.delete_project_resources(properties, rollback=True)
            if undone.get("Status") != "SUCCESS":
                raise ProjectError(
                    f"{document.get('Reason') or 'the custom resource failed'}; the rollback did not finish within "
                    f"--timeout ({undone.get('Reason') or 'no reason'}): run the create again with --id {pid} and a "
                    "longer --timeout, then delete it"
                )
            _fail_on(document)
        record = {
            "ProjectName": request.name,
            "ProjectId": pid,
            "TemplateKind": request.kind.value,
            "BusinessUnit": request.business_unit,
            "PhysicalResourceId": document["PhysicalResourceId"],
            "Properties": properties,
            "Data": document.get("Data") or {},
            "CreatedAt": _now(),
        }
        self.cfn.save_project(record)
        return record

    def _create_through_catalog(self, request: NewProject, pid: str) -> dict[str, Any] | None:
        """Launch the product as a data scientist in Studio; None when local AWS has no product for the kind."""
        from platform_cli.local.project_chain import launch_in_studio, repo_urls

        prefix = self.config.naming_prefix
        info(f"launching {prefix}-{request.kind.value} for project {request.name} ({pid}) through Service Catalog...")
        awaited = f"waiting for Service Catalog to launch {request.name} (its stack and the provisioning Lambda)"
        with waiting(awaited):
            launched = launch_in_studio(
                self.session,
                naming_prefix=prefix,
                template_kind=request.kind.value,
                project_name=request.name,
                user=request.user,
                delete_policy=request.delete_policy,
                project_id=pid,
                template_parameters=request.template_parameters(),
            )
        if launched is None:
            return None
        if not launched.succeeded:
            reason = "; ".join(launched.errors) or f"stack {launched.stack_status}"
            # A refused create leaves nothing behind: the stack rolled back (its bucket is RetainExceptOnCreate);
            # the failed provisioned product goes too, so the name can be launched again.
            from platform_cli.local.project_chain import long_call_client, terminate_project

            cleaned = terminate_project(
                long_call_client(self.session, "servicecatalog"), launched.provisioned_product_id
            )
            left = (
                "" if cleaned == "SUCCEEDED" else f"; its provisioned product {launched.provisioned_product_id} remains"
            )
            raise ProjectError(f"project {request.name} failed to launch ({launched.stack_status}): {reason}{left}")
        # The record keeps what list/describe/sync read; sync still derives the properties by the template's rules.
        properties = self._properties(request, pid)
        record = {
            "ProjectName": request.name,
            "ProjectId": pid,
            "TemplateKind": request.kind.value,
            "BusinessUnit": request.business_unit,
            "PhysicalResourceId": pid,
            "Properties": properties,
            "Data": repo_urls(launched.outputs),
            "ProvisionedProductId": launched.provisioned_product_id,
            "StackArn": launched.stack_arn,
            "StackStatus": launched.stack_status,
            "CreatedAt": _now(),
        }
        self.cfn.save_project(record)
        return record

    def list(self) -> list[ProjectSummary]:
        return recorded_projects(self.config, self.session)

    def record(self, name: str, github: Any) -> dict[str, Any]:
        return self._load(name)

    def delete_question(self, name: str) -> str:
        policy = self._load(name)["Properties"].get("DeletePolicy", "archive")
        return f"Delete project {name} ({policy} its repositories)?"

    def delete(self, name: str) -> dict[str, Any]:
        record = self._load(name)
        policy = record["Properties"].get("DeletePolicy", "archive")
        if record.get("ProvisionedProductId"):  # launched through Service Catalog: terminate it as Studio does
            from platform_cli.local.project_chain import long_call_client, terminate_project

            with waiting(f"waiting for Service Catalog to terminate {name} (its stack and repositories)"):
                status = terminate_project(
                    long_call_client(self.session, "servicecatalog"), record["ProvisionedProductId"]
                )
            if status != "SUCCEEDED":
                raise ProjectError(f"terminating {name} failed ({status}); see its stack's events")
            self.cfn.delete_project(name)
            return {"project": name, "deleted": True, "policy": policy}
        document = self.cfn.send(
            "Delete", f"SC-{record['ProjectId']}", record["Properties"], physical_id=record["PhysicalResourceId"]
        )
        _fail_on(document)
        self.cfn.delete_project_resources(record["Properties"])
        self.cfn.delete_project(name)
        return {"project": name, "deleted": True, "policy": policy}
