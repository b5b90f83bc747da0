"""Projects on AWS: SageMaker CreateProject/DeleteProject through the template kind's Service Catalog product;
CloudFormation then calls the provisioning Lambda. Every listing paginates; AWS errors become one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from platform_cli.cli.errors import describe
from platform_cli.cli.project_backend import NewProject, ProjectError, ProjectSummary
from platform_cli.config import PlatformConfig
from platform_cli.project_templates.properties import BYOC_PARAMETER, template_properties
from platform_cli.provisioning.contract import load_contract

AUTH_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
    }
)


def _not_found(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    return code in {"ResourceNotFound", "ResourceNotFoundException"} or (
        code == "ValidationException" and ("does not exist" in message or "not found" in message)
    )


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Turn what AWS answers into one actionable line; an auth failure says so (it is never "no project")."""
    try:
        yield
    except NoCredentialsError:
        raise ProjectError(
            f"{action}: no AWS credentials; set AWS_PROFILE (or run `aws sso login`) for the dev account"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        message = error.response.get("Error", {}).get("Message", "")
        if code in AUTH_CODES:
            raise ProjectError(
                f"{action}: AWS refused the credentials ({code}); "
                "check AWS_PROFILE and that its role may call SageMaker"
            ) from None
        raise ProjectError(f"{action}: {code}: {message}") from None
    except BotoCoreError as error:
        # An unreachable AWS (no network, proxy down, wrong endpoint) names the endpoint and the fix.
        raise ProjectError(f"{action}: {describe(error)}") from None


class AwsProjects:
    """The project backend for real AWS (the dev account of the session)."""

    name = "aws"

    def __init__(self, config: PlatformConfig, session: Any) -> None:
        self.config = config
        self.session = session

    def _product(self, product_name: str) -> tuple[str, str]:
        catalog = self.session.client("servicecatalog")
        with aws_errors(f"finding Service Catalog product {product_name}"):
            product = None
            token: str | None = None
            while product is None:
                page = catalog.search_products(
                    Filters={"FullTextSearch": [product_name]}, **({"PageToken": token} if token else {})
                )
                product = next((p for p in page.get("ProductViewSummaries", []) if p.get("Name") == product_name), None)
                token = page.get("NextPageToken")
                if not token:
                    break
            if product is None:
                raise ProjectError(f"no Service Catalog product {product_name}; apply base-infrastructure first")
            details = catalog.list_provisioning_artifacts(ProductId=product["ProductId"])
        artifacts = details["ProvisioningArtifactDetails"]
        active = [a for a in artifacts if a.get("Active", True)] or artifacts
        if not active:
            raise ProjectError(f"Service Catalog product {product_name} has no version; apply base-infrastructure")
        return str(product["ProductId"]), str(active[-1]["Id"])

    def create(self, request: NewProject) -> dict[str, Any]:
        product_id, artifact_id = self._product(f"{self.config.naming_prefix}-{request.kind.value}")
        with aws_errors(f"creating SageMaker project {request.name}"):
            response = self.session.client("sagemaker").create_project(
                ProjectName=request.name,
                ProjectDescription=f"{request.kind.value} project created with mlops",
                ServiceCatalogProvisioningDetails={
                    "ProductId": product_id,
                    "ProvisioningArtifactId": artifact_id,
                    "ProvisioningParameters": [
                        {"Key": "GitHubUsername", "Value": request.user or ""},
                        {"Key": "RepositoryDeletePolicy", "Value": request.delete_policy},
                        *({"Key": k, "Value": v} for k, v in request.template_parameters().items()),
                    ],
                },
            )
        return {"ProjectName": request.name, "ProjectId": response["ProjectId"], "ProjectArn": response["ProjectArn"]}

    def list(self) -> list[ProjectSummary]:
        sagemaker = self.session.client("sagemaker")
        rows: list[ProjectSummary] = []
        token: str | None = None
        with aws_errors("listing SageMaker projects"):
            while True:
                page = sagemaker.list_projects(MaxResults=100, **({"NextToken": token} if token else {}))
                rows += [
                    ProjectSummary(
                        name=p["ProjectName"],
                        id=p["ProjectId"],
                        status=p["ProjectStatus"],
                        template=_kind_of(p.get("ProjectDescription", "")),
                        created=_iso(p.get("CreationTime")),
                    )
                    for p in page.get("ProjectSummaryList", [])
                ]
                token = page.get("NextToken")
                if not token:
                    return rows

    def _describe(self, name: str) -> dict[str, Any]:
        project: dict[str, Any] = {}
        with aws_errors(f"reading SageMaker project {name}"):
            try:
                project = dict(self.session.client("sagemaker").describe_project(ProjectName=name))
            except ClientError as error:
                if _not_found(error):
                    raise ProjectError(f"no SageMaker project named {name}; see `mlops project list`") from None
                raise
        return project

    def record(self, name: str, github: Any) -> dict[str, Any]:
        """The project as a record: its id from SageMaker, its template kind from its repositories' topics (every
        project repo carries its kind as a topic), the rest by the templates' naming rules."""
        from github.GithubException import UnknownObjectException

        project = self._describe(name)
        project_id = str(project["ProjectId"])
        contract = load_contract()
        launched_with = {
            str(p.get("Key")): str(p.get("Value"))
            for p in (project.get("ServiceCatalogProvisioningDetails") or {}).get("ProvisioningParameters") or []
        }
        for kind, parts in contract.template_kinds.items():
            first = next(iter(parts))
            try:
                topics = github.get_repo(f"{self.config.github.org}/{name}-{project_id}-{first}").topics or []
            except UnknownObjectException:
                continue
            if kind.value in topics:
                unit = next(iter(self.config.business_units))
                properties = template_properties(
                    self.config,
                    project_name=name,
                    project_id=project_id,
                    kind=kind,
                    business_unit=unit,
                    bring_your_own_container=launched_with.get(BYOC_PARAMETER) == "true",
                )
                return {
                    "ProjectName": name,
                    "ProjectId": project_id,
                    "ProjectStatus": project.get("ProjectStatus", "-"),
                    "CreatedAt": _iso(project.get("CreationTime")),
                    "BusinessUnit": unit,
                    "TemplateKind": kind.value,
                    "Properties": properties,
                }
        raise ProjectError(
            f"project {name} ({project_id}) has no repositories in {self.config.github.org}; nothing to sync"
        )

    def delete_question(self, name: str) -> str:
        return f"Delete SageMaker project {name}?"

    def delete(self, name: str) -> dict[str, Any]:
        with aws_errors(f"deleting SageMaker project {name}"):
            try:
                self.session.client("sagemaker").delete_project(ProjectName=name)
            except ClientError as error:
                if _not_found(error):
                    raise ProjectError(f"no SageMaker project named {name}; see `mlops project list`") from None
                raise
        return {"project": name, "deleted": True}


def _iso(value: Any) -> str | None:
    """SageMaker's CreationTime (a datetime from boto3) as ISO 8601."""
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)


def _kind_of(description: str) -> str:
    """The template kind ``mlops project create`` writes into the description; ``-`` for projects made elsewhere."""
    first = description.split(" ", 1)[0]
    kinds = {kind.value for kind in load_contract().template_kinds}
    return first if first in kinds else "-"
