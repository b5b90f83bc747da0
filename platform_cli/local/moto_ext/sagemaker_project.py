"""SageMaker projects launched from Service Catalog: Create/Describe/List/DeleteProject, missing from moto 5.2.5
(it has no SageMaker projects at all).

CreateProject does what SageMaker does with ``ServiceCatalogProvisioningDetails``: it provisions the product
(``servicecatalog_provisioning.provision``: the launch path, the launch constraint's role, the stack) with the
caller's ``ProvisioningParameters`` plus ``SageMakerProjectName`` and ``SageMakerProjectId``, and tags the
provisioned product ``sagemaker:project-name`` / ``sagemaker:project-id``. The artifact defaults to the product's
latest, as the API reference says. The launch runs synchronously (as every local launch does), so the project is
``CreateCompleted`` or ``CreateFailed`` when the call returns, and ``ServiceCatalogProvisionedProductDetails``
carries the launch's error. DeleteProject terminates the provisioned product: the project is gone when the stack
is deleted, ``DeleteFailed`` (and kept) when it is not.

Who created it (``CreatedBy``): the caller's IAM identity (``IamIdentity``: its session ARN, principal id and source
identity) and, when the session's source identity names a user profile of a domain whose
``DomainSettings.ExecutionRoleIdentityConfig`` is ``USER_PROFILE_NAME`` — the session Studio gives that user
(``sts_source_identity``) —, that user profile (``UserProfileName``, ``UserProfileArn``, ``DomainId``). The
provisioning Lambda binds the requester to it (``platform_cli/lambdas/studio_user.py``).

Local choices, each where AWS gives no answer to copy: ``ProjectId`` follows moto's ``_custom_id_`` tag convention
when the caller gives one (``mlops project create --id``), the tag is not kept; a project whose provisioned product
was terminated through Service Catalog directly is gone (``DescribeProject`` answers "does not exist").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from platform_cli.local.moto_ext._support import add_action, random_id, state
from platform_cli.local.moto_ext.sts_source_identity import caller_key, session_of, source_identity_of

_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}")
_ID = re.compile(r"p-[a-z0-9]{12}")
CUSTOM_ID_TAG = "_custom_id_"  # moto's convention for choosing a created resource's id (moto.utilities.id_generator)


@dataclass
class Project:
    name: str
    project_id: str
    arn: str
    description: str | None
    provisioning: dict[str, Any]
    provisioned_product_id: str
    status: str
    status_message: str
    created_by: dict[str, Any]
    tags: list[dict[str, str]]
    creation_time: datetime = field(default_factory=utcnow)

    def describe(self) -> dict[str, Any]:
        details: dict[str, Any] | None = None
        if self.provisioned_product_id:  # none yet while the product launches
            details = {"ProvisionedProductId": self.provisioned_product_id}
            if self.status_message:
                details["ProvisionedProductStatusMessage"] = self.status_message
        described = {
            "ProjectArn": self.arn,
            "ProjectName": self.name,
            "ProjectId": self.project_id,
            "ProjectDescription": self.description,
            "ServiceCatalogProvisioningDetails": self.provisioning,
            "ServiceCatalogProvisionedProductDetails": details,
            "ProjectStatus": self.status,
            "CreatedBy": self.created_by,
            "CreationTime": self.creation_time,
        }
        return {key: value for key, value in described.items() if value is not None}

    def summary(self) -> dict[str, Any]:
        summary = {
            "ProjectName": self.name,
            "ProjectDescription": self.description,
            "ProjectArn": self.arn,
            "ProjectId": self.project_id,
            "CreationTime": self.creation_time,
            "ProjectStatus": self.status,
        }
        return {key: value for key, value in summary.items() if value is not None}


def _projects(backend: Any) -> dict[str, Project]:
    return state(backend, "projects", dict)


def _catalog_backend(backend: Any) -> Any:
    from moto.servicecatalog.models import servicecatalog_backends

    return servicecatalog_backends[backend.account_id][backend.region_name]


def _live(backend: Any) -> dict[str, Project]:
    """The projects whose provisioned product still exists (one terminated through Service Catalog takes its
    project with it: a local choice, see the module's docstring)."""
    from platform_cli.local.moto_ext.servicecatalog_provisioning import find_provisioned

    projects = _projects(backend)
    catalog = _catalog_backend(backend)
    for key, project in list(projects.items()):
        launching = project.status == "CreateInProgress"  # its product is being launched: not in the catalog yet
        if not launching and find_provisioned(catalog, project.provisioned_product_id) is None:
            del projects[key]
    return projects


def _find(backend: Any, name: str) -> Project:
    project = _live(backend).get(name.lower())
    if project is None:
        raise ValidationError(message=f"Project {name} does not exist.")
    return project


def _studio_user(backend: Any, source_identity: str) -> Any:
    """The user profile Studio names as the session's source identity (``None`` when no domain does so)."""
    from platform_cli.local.moto_ext.sagemaker_user_profile import profiles_of

    for domain in backend.domains.values():
        settings = getattr(domain, "domain_settings", None) or {}
        if settings.get("ExecutionRoleIdentityConfig") != "USER_PROFILE_NAME":
            continue
        for profile in profiles_of(backend, domain.id):
            if profile.name == source_identity:
                return profile
    return None


def created_by(response: Any, backend: Any) -> dict[str, Any]:
    """``CreatedBy`` of a request: the caller's IAM identity, and its Studio user profile where Studio set one."""
    session = session_of(response.current_account, response.partition, caller_key(response))
    if session is None:
        return {}
    source = source_identity_of(session)
    identity = {"Arn": session.arn, "PrincipalId": session.user_id}
    if source:
        identity["SourceIdentity"] = source
    user: dict[str, Any] = {"IamIdentity": identity}
    profile = _studio_user(backend, source) if source else None
    if profile is not None:
        user.update({"UserProfileArn": profile.arn, "UserProfileName": profile.name, "DomainId": profile.domain_id})
    return user


def _latest_artifact(catalog: Any, product_id: str) -> str:
    from platform_cli.local.moto_ext._servicecatalog import catalog as catalog_state
    from platform_cli.local.moto_ext._servicecatalog import find_product

    product = find_product(catalog, product_id)
    active = [a for a in catalog_state(catalog).artifacts.get(product.id, []) if a.active]
    if not active:
        raise ValidationError(message=f"Product {product_id} has no active provisioning artifact.")
    return active[-1].id


def _tags(given: list[dict[str, str]]) -> tuple[list[dict[str, str]], str | None]:
    """The caller's tags without moto's id tag, and the id it asks for."""
    chosen = next((tag["Value"] for tag in given if tag["Key"] == CUSTOM_ID_TAG), None)
    kept = [tag for tag in given if tag["Key"] != CUSTOM_ID_TAG]
    reserved = [tag["Key"] for tag in kept if tag["Key"].lower().startswith(("aws:", "sagemaker:"))]
    if reserved:
        raise ValidationError(message=f"Tag keys {', '.join(reserved)} use a prefix reserved for AWS.")
    return kept, chosen


def _create_project(self: Any) -> ActionResult:
    from platform_cli.local.moto_ext.servicecatalog_provisioning import provision

    backend = self.sagemaker_backend
    name = str(self._get_param("ProjectName") or "")
    if not _NAME.fullmatch(name):
        raise ValidationError(
            message=f"Value '{name}' at 'projectName' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}"
        )
    if name.lower() in _live(backend):
        raise ValidationError(message=f"Project {name} already exists.")
    details = dict(self._get_param("ServiceCatalogProvisioningDetails") or {})
    if not details.get("ProductId"):
        raise ValidationError(message="ServiceCatalogProvisioningDetails.ProductId is required.")
    tags, chosen = _tags(list(self._get_param("Tags") or []))
    if chosen is not None and not _ID.fullmatch(chosen):
        raise ValidationError(message=f"Tag {CUSTOM_ID_TAG} {chosen} is not a project id (p- and 12 of a-z0-9).")
    project_id = chosen or random_id("p-")
    catalog = _catalog_backend(backend)
    # The project exists while its product launches (CreateInProgress), as on AWS: the stack's custom resource
    # (the provisioning Lambda) reads it with DescribeProject to learn who created it.
    project = Project(
        name=name,
        project_id=project_id,
        arn=arn_formatter("project", name.lower(), backend.account_id, backend.region_name),
        description=self._get_param("ProjectDescription"),
        provisioning={"ProductId": details["ProductId"]},
        provisioned_product_id="",
        status="CreateInProgress",
        status_message="",
        created_by=created_by(self, backend),
        tags=tags,
    )
    _projects(backend)[name.lower()] = project
    try:
        artifact_id = details.get("ProvisioningArtifactId") or _latest_artifact(catalog, details["ProductId"])
        # SageMaker passes the project's name and id to the template; the caller cannot choose them
        given = [
            p
            for p in details.get("ProvisioningParameters") or []
            if p.get("Key") not in ("SageMakerProjectName", "SageMakerProjectId")
        ]
        parameters = [
            {"Key": "SageMakerProjectName", "Value": name},
            {"Key": "SageMakerProjectId", "Value": project_id},
            *given,
        ]
        record = provision(
            catalog,
            {
                "ProductId": details["ProductId"],
                "ProvisioningArtifactId": artifact_id,
                "PathId": details.get("PathId"),
                "ProvisionedProductName": f"{name}-{project_id}",
                "ProvisioningParameters": parameters,
                "Tags": [
                    *tags,
                    {"Key": "sagemaker:project-name", "Value": name},
                    {"Key": "sagemaker:project-id", "Value": project_id},
                ],
                "ProvisionToken": str(uuid.uuid4()),
            },
        )
    except ServiceException as error:  # Service Catalog refused the launch: SageMaker answers it as its own
        del _projects(backend)[name.lower()]
        raise ValidationError(message=str(getattr(error, "message", "") or error)) from None
    except Exception:
        del _projects(backend)[name.lower()]
        raise
    project.provisioning = {
        "ProductId": details["ProductId"],
        "ProvisioningArtifactId": artifact_id,
        **({"PathId": record.path_id} if record.path_id else {}),
        "ProvisioningParameters": list(details.get("ProvisioningParameters") or []),
    }
    project.provisioned_product_id = record.provisioned_product_id
    project.status = "CreateCompleted" if record.status == "SUCCEEDED" else "CreateFailed"
    project.status_message = "; ".join(e.get("Description", "") for e in record.errors)
    return ActionResult({"ProjectArn": project.arn, "ProjectId": project.project_id})


def _describe_project(self: Any) -> ActionResult:
    project = _find(self.sagemaker_backend, str(self._get_param("ProjectName") or ""))
    return ActionResult(project.describe())


def _list_projects(self: Any) -> ActionResult:
    contains = self._get_param("NameContains")
    after, before = self._get_param("CreationTimeAfter"), self._get_param("CreationTimeBefore")
    projects = [
        project
        for project in _live(self.sagemaker_backend).values()
        if (contains is None or contains.lower() in project.name.lower())
        and (after is None or project.creation_time.timestamp() > float(after))
        and (before is None or project.creation_time.timestamp() < float(before))
    ]
    by_name = self._get_param("SortBy") == "Name"
    projects.sort(
        key=(lambda p: p.name) if by_name else (lambda p: p.creation_time),
        reverse=self._get_param("SortOrder", "Descending") == "Descending",
    )
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 100)
    page = projects[start : start + size]
    result: dict[str, Any] = {"ProjectSummaryList": [project.summary() for project in page]}
    if start + size < len(projects):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def _delete_project(self: Any) -> EmptyResult:
    from platform_cli.local.moto_ext.servicecatalog_provisioning import terminate

    backend = self.sagemaker_backend
    project = _find(backend, str(self._get_param("ProjectName") or ""))
    record = terminate(
        _catalog_backend(backend),
        {"ProvisionedProductId": project.provisioned_product_id, "TerminateToken": str(uuid.uuid4())},
    )
    if record.status == "SUCCEEDED":
        del _projects(backend)[project.name.lower()]
    else:
        project.status = "DeleteFailed"
        project.status_message = "; ".join(e.get("Description", "") for e in record.errors)
    return EmptyResult()


def register() -> None:
    add_action(SageMakerResponse, "create_project", _create_project)
    add_action(SageMakerResponse, "describe_project", _describe_project)
    add_action(SageMakerResponse, "list_projects", _list_projects)
    add_action(SageMakerResponse, "delete_project", _delete_project)
