"""Projects on local AWS, through the chain a data scientist triggers in Studio: the template kind's Service
Catalog product is launched as the data-scientist persona, CloudFormation runs the project template's stack and
its custom resource invokes the provisioning Lambda (the built zip, in the local Lambda runtime). Delete
terminates the provisioned product. Nothing is played in this process: without base-infrastructure applied in
local AWS there is no product to launch, and the create says so.

Local AWS has no SageMaker project listing, so each launch is recorded (project_registry.py) for list, describe,
sync and delete."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from platform_cli.cli.output import info, waiting
from platform_cli.cli.project_backend import NewProject, ProjectError, ProjectSummary
from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.project_templates.properties import BYOC_PARAMETER, new_project_id, template_properties

if TYPE_CHECKING:
    from platform_cli.local.project_registry import ProjectRegistry


def no_templates(kind: TemplateKind) -> str:
    """The one line a create gets when local AWS has no product for ``kind`` (base-infrastructure not applied)."""
    return (
        f"no project template {kind.value} in local AWS: apply base-infrastructure first with `mlops local apply` "
        "(after `mlops local up` and `mlops bootstrap`)"
    )


def registry(config: PlatformConfig, session: Any) -> ProjectRegistry:
    """The record of local launches, in the dev account of the first business unit."""
    from platform_cli.local.project_registry import ProjectRegistry, registry_bucket  # the `local` extra

    dev = next(iter(config.business_units.values())).dev
    return ProjectRegistry(session.client("s3"), registry_bucket(config.naming_prefix, dev), config.aws.region)


def recorded_projects(config: PlatformConfig, session: Any) -> list[ProjectSummary]:
    """The projects launched in local AWS (no GitHub token needed: ``mlops local status`` and ``project list``)."""
    return [summary(record) for record in registry(config, session).all()]


def summary(record: dict[str, Any]) -> ProjectSummary:
    """A recorded project as a row of ``project list``."""
    return ProjectSummary(
        name=record["ProjectName"],
        id=record["ProjectId"],
        status="CreateCompleted",  # recorded only once its launch succeeded (SageMaker's status name)
        template=record["TemplateKind"],
        repositories=repositories(record),
        created=record.get("CreatedAt"),
    )


def repositories(record: dict[str, Any]) -> tuple[str, ...]:
    """``owner/name`` of each repository the launch reported (its ``<Part>RepoUrl`` data), sorted."""
    urls = [str(v) for k, v in (record.get("Data") or {}).items() if k.endswith("RepoUrl") and v]
    return tuple(sorted("/".join(urlparse(url).path.strip("/").split("/")[-2:]) for url in urls))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class LocalProjects:
    """The project backend for local AWS."""

    name = "local"

    def __init__(self, config: PlatformConfig, session: Any) -> None:
        self.config = config
        self.session = session
        self._registry: ProjectRegistry | None = None

    @property
    def projects(self) -> ProjectRegistry:
        if self._registry is None:
            self._registry = registry(self.config, self.session)
        return self._registry

    def _load(self, name: str) -> dict[str, Any]:
        record = self.projects.load(name)
        if record is None:
            raise ProjectError(f"no project named {name}; see `mlops project list`")
        return record

    def create(self, request: NewProject) -> dict[str, Any]:
        from platform_cli.local.project_chain import delete_in_studio, launch_in_studio, repo_urls

        if self.projects.load(request.name) is not None:
            raise ProjectError(
                f"project {request.name} already exists; use `mlops project sync {request.name}` to repair it"
            )
        pid = request.project_id or new_project_id()
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
                # --timeout bounds CloudFormation's wait for the repositories, the rollback's included (what is left)
                timeout_seconds=max(request.timeout_seconds - (time.monotonic() - request.started), 2.0),
                template_parameters=request.template_parameters(),
            )
        if launched is None:
            raise ProjectError(no_templates(request.kind))
        if not launched.succeeded:
            reason = "; ".join(launched.errors) or f"stack {launched.stack_status}"
            # A refused create leaves nothing behind: the stack rolled back (its bucket is RetainExceptOnCreate);
            # the failed project is deleted as in Studio (its provisioned product goes), so the name can be reused.
            cleaned = delete_in_studio(self.session, naming_prefix=prefix, project_name=request.name)
            left = (
                ""
                if cleaned == "DeleteCompleted"
                else f"; its project remains ({cleaned}): delete it with `mlops project delete {request.name}`"
            )
            raise ProjectError(f"project {request.name} failed to launch ({launched.stack_status}): {reason}{left}")
        # What was asked and what the launch answered; the custom resource's properties stay CloudFormation's.
        record = {
            "ProjectName": request.name,
            "ProjectId": launched.project_id,
            "TemplateKind": request.kind.value,
            "BusinessUnit": request.business_unit,
            "DeletePolicy": request.delete_policy,
            "TemplateParameters": request.template_parameters(),
            "Data": repo_urls(launched.outputs),
            "Outputs": dict(launched.outputs),
            "ProvisionedProductId": launched.provisioned_product_id,
            "StackArn": launched.stack_arn,
            "StackStatus": launched.stack_status,
            "CreatedAt": _now(),
        }
        self.projects.save(record)
        return record

    def list(self) -> list[ProjectSummary]:
        return recorded_projects(self.config, self.session)

    def record(self, name: str, github: Any) -> dict[str, Any]:
        """The recorded launch, with the repositories' desired state derived by the templates' rules — as the AWS
        backend derives it from SageMaker's project — for describe and sync (the launch itself never used it)."""
        record = self._load(name)
        properties = template_properties(
            self.config,
            project_name=record["ProjectName"],
            project_id=record["ProjectId"],
            kind=TemplateKind(record["TemplateKind"]),
            business_unit=record["BusinessUnit"],
            delete_policy=record.get("DeletePolicy", "archive"),
            bring_your_own_container=(record.get("TemplateParameters") or {}).get(BYOC_PARAMETER) == "true",
        )
        return {**record, "Properties": properties}

    def delete_question(self, name: str) -> str:
        policy = self._load(name).get("DeletePolicy", "archive")
        return f"Delete project {name} ({policy} its repositories)?"

    def delete(self, name: str) -> dict[str, Any]:
        """Delete the SageMaker project as Studio does: its provisioned product is terminated, the stack deleted and
        its custom resource's Delete archives, deletes or keeps the repositories per the project's delete policy."""
        from platform_cli.local.project_chain import delete_in_studio

        record = self._load(name)
        with waiting(f"waiting for SageMaker to delete {name} (its stack and repositories)"):
            status = delete_in_studio(self.session, naming_prefix=self.config.naming_prefix, project_name=name)
        if status != "DeleteCompleted":
            raise ProjectError(f"deleting {name} failed ({status}); see its stack's events")
        self.projects.delete(name)
        return {"project": name, "deleted": True, "policy": record.get("DeletePolicy", "archive")}
