"""The data scientist's path against local AWS, through the same services as in Studio: create a project (SageMaker
CreateProject → Service Catalog launch → CloudFormation stack → custom resource → provisioning Lambda → repos),
update and delete it, and approve a model package (UpdateModelPackage → EventBridge → trigger Lambda).

Nothing here plays a service: each function makes the call Studio (or the data scientist) makes, with the
clients it is given (build them from the data scientist's session), and reads the outcome back. Service Catalog
in local AWS runs the stack synchronously, so a launch's record is final when CreateProject (or ProvisionProduct)
returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from platform_cli.errors import PlatformError
from platform_cli.project_templates.properties import TIMEOUT_PARAMETER, service_timeout


class ProjectChainError(PlatformError):
    """A launch, update or termination did not succeed; the message says why."""


@dataclass(frozen=True)
class ProjectStack:
    """What a launch (or update) left: the provisioned product, its record and the project's stack."""

    name: str
    project_id: str
    provisioned_product_id: str
    record_id: str
    record_status: str
    stack_arn: str | None
    stack_status: str | None
    outputs: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    project_status: str | None = None  # SageMaker's ProjectStatus when created through CreateProject

    @property
    def succeeded(self) -> bool:
        return self.record_status == "SUCCEEDED"

    def to_json(self) -> dict[str, Any]:
        return {
            "ProjectName": self.name,
            "ProjectId": self.project_id,
            "ProvisionedProductId": self.provisioned_product_id,
            "RecordId": self.record_id,
            "RecordStatus": self.record_status,
            "StackArn": self.stack_arn,
            "StackStatus": self.stack_status,
            "Outputs": dict(self.outputs),
            "Errors": list(self.errors),
            "ProjectStatus": self.project_status,
        }


# What Studio asks for, as the persona, to create a project and show its outcome (launch_in_studio, create_project,
# delete_in_studio, launch_project, _outcome, terminate_project): held against the persona policy by
# tests/base_infrastructure/test_persona_studio.py.
STUDIO_ACTIONS = (
    "sagemaker:CreateProject",
    "sagemaker:DescribeProject",
    "sagemaker:ListProjects",
    "sagemaker:DeleteProject",
    "servicecatalog:DescribeProduct",
    "servicecatalog:DescribeProvisionedProduct",
    "servicecatalog:ProvisionProduct",
    "servicecatalog:DescribeRecord",
    "servicecatalog:TerminateProvisionedProduct",
)


def new_project_id() -> str:
    """A SageMaker-style project id (``p-`` + 12 lower-case alphanumerics)."""
    return "p-" + uuid.uuid4().hex[:12]


def product_name(naming_prefix: str, template_kind: str) -> str:
    """The Service Catalog product of a template kind (base-infrastructure's naming)."""
    return f"{naming_prefix}-{template_kind}"


def _latest_artifact(catalog: Any, product: str) -> tuple[str, str]:
    described = catalog.describe_product(Name=product)
    product_id = str(described["ProductViewSummary"]["ProductId"])
    artifacts = described.get("ProvisioningArtifacts") or []
    if not artifacts:
        raise ProjectChainError(f"product {product} has no provisioning artifact; apply base-infrastructure again")
    return product_id, str(artifacts[-1]["Id"])


def _stack(observer: Any | None, arn: str | None) -> str | None:
    """The stack's status as the platform's operator sees it in CloudFormation (``None`` without an observer)."""
    if observer is None or arn is None:
        return None
    status: str = observer.describe_stacks(StackName=arn)["Stacks"][0]["StackStatus"]
    return status


def _outcome(catalog: Any, observer: Any | None, name: str, project_id: str, record: dict[str, Any]) -> ProjectStack:
    """What Studio shows of a launch, read as Studio reads it — through Service Catalog (DescribeRecord's
    ``RecordOutputs``; the persona cannot read the stack itself) —, plus the stack's status when an ``observer``
    (a CloudFormation client of the operator's) is given."""
    described = catalog.describe_record(Id=record["RecordId"])
    detail = described["RecordDetail"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("RecordOutputs") or []}
    arn = outputs.pop("CloudformationStackARN", None)
    status = _stack(observer, arn)
    if arn is None and observer is not None:  # a failed launch reports no outputs: its stack is named after it
        suffix = f"-{detail['ProvisionedProductId']}"
        match = [s for s in observer.describe_stacks()["Stacks"] if s["StackName"].endswith(suffix)]
        if match:
            arn, status = match[0]["StackId"], match[0]["StackStatus"]
    return ProjectStack(
        name=name,
        project_id=project_id,
        provisioned_product_id=detail["ProvisionedProductId"],
        record_id=detail["RecordId"],
        record_status=detail["Status"],
        stack_arn=arn,
        stack_status=status,
        outputs=outputs,
        errors=[str(e.get("Description", "")) for e in detail.get("RecordErrors") or []],
    )


def launch_project(
    catalog: Any,
    cloudformation: Any | None,
    *,
    product: str,
    project_name: str,
    parameters: Mapping[str, str] | None = None,
    project_id: str | None = None,
) -> ProjectStack:
    """Launch ``product`` as Studio does for a new project: ProvisionProduct with SageMaker's two parameters
    (``SageMakerProjectName``, ``SageMakerProjectId``) plus ``parameters``, through the product's launch path.
    ``cloudformation``: the operator's client that reads the stack's status (``None``: not read)."""
    pid = project_id or new_project_id()
    product_id, artifact_id = _latest_artifact(catalog, product)
    given = {"SageMakerProjectName": project_name, "SageMakerProjectId": pid, **(parameters or {})}
    record = catalog.provision_product(
        ProductId=product_id,
        ProvisioningArtifactId=artifact_id,
        ProvisionedProductName=f"{project_name}-{pid}",
        ProvisioningParameters=[{"Key": key, "Value": value} for key, value in given.items()],
        Tags=[{"Key": "sagemaker:project-name", "Value": project_name}, {"Key": "sagemaker:project-id", "Value": pid}],
        ProvisionToken=str(uuid.uuid4()),
    )["RecordDetail"]
    return _outcome(catalog, cloudformation, project_name, pid, record)


def create_project(
    sagemaker: Any,
    catalog: Any,
    cloudformation: Any | None,
    *,
    product: str,
    project_name: str,
    parameters: Mapping[str, str] | None = None,
    project_id: str | None = None,
) -> ProjectStack:
    """Create a SageMaker project from ``product`` as Studio does: CreateProject with the product, its latest
    artifact and ``parameters`` (SageMaker adds ``SageMakerProjectName``/``SageMakerProjectId``, launches the product
    and tags it), then read the outcome back: DescribeProject, and the launch's record through Service Catalog.
    ``project_id``: ask local AWS for this id (moto's ``_custom_id_`` tag; SageMaker itself always chooses)."""
    product_id, artifact_id = _latest_artifact(catalog, product)
    sagemaker.create_project(
        ProjectName=project_name,
        ServiceCatalogProvisioningDetails={
            "ProductId": product_id,
            "ProvisioningArtifactId": artifact_id,
            "ProvisioningParameters": [{"Key": key, "Value": value} for key, value in (parameters or {}).items()],
        },
        **({"Tags": [{"Key": "_custom_id_", "Value": project_id}]} if project_id else {}),
    )
    described = sagemaker.describe_project(ProjectName=project_name)
    provisioned_id = described["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductId"]
    record_id = catalog.describe_provisioned_product(Id=provisioned_id)["ProvisionedProductDetail"]["LastRecordId"]
    outcome = _outcome(catalog, cloudformation, project_name, described["ProjectId"], {"RecordId": record_id})
    return replace(outcome, project_status=described["ProjectStatus"])


def delete_project(sagemaker: Any, project_name: str) -> str:
    """Delete a SageMaker project as Studio does (its provisioned product is terminated, the stack deleted, the repos
    follow their delete policy); return ``DeleteCompleted`` or the project's status when it stays (``DeleteFailed``)."""
    sagemaker.delete_project(ProjectName=project_name)
    try:
        status: str = sagemaker.describe_project(ProjectName=project_name)["ProjectStatus"]
    except sagemaker.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ValidationException":  # gone: "does not exist"
            return "DeleteCompleted"
        raise
    return status


def update_project(
    catalog: Any, cloudformation: Any | None, launched: ProjectStack, parameters: Mapping[str, str]
) -> ProjectStack:
    """Change some of a launched project's parameters (the others keep their values)."""
    record = catalog.update_provisioned_product(
        ProvisionedProductId=launched.provisioned_product_id,
        ProvisioningParameters=[{"Key": key, "Value": value} for key, value in parameters.items()],
        UpdateToken=str(uuid.uuid4()),
    )["RecordDetail"]
    return _outcome(catalog, cloudformation, launched.name, launched.project_id, record)


def terminate_project(catalog: Any, provisioned_product_id: str) -> str:
    """Terminate the provisioned product (its stack is deleted; the repos follow their delete policy); return the
    record's status (``SUCCEEDED`` or ``FAILED``)."""
    record = catalog.terminate_provisioned_product(
        ProvisionedProductId=provisioned_product_id, TerminateToken=str(uuid.uuid4())
    )["RecordDetail"]
    status: str = catalog.describe_record(Id=record["RecordId"])["RecordDetail"]["Status"]
    return status


def approve_model_package(sagemaker: Any, model_package_arn: str, status: str = "Approved") -> None:
    """Set a model package's approval status as a reviewer does in Studio; local AWS emits the state-change event
    on the account's default bus, and the platform's rule takes it from there."""
    sagemaker.update_model_package(ModelPackageArn=model_package_arn, ModelApprovalStatus=status)


# Local AWS runs a launch's stack, custom resource included, inside the CreateProject/ProvisionProduct call (and a
# termination's inside DeleteProject/TerminateProvisionedProduct): wait as long as the provisioning Lambda may run
# (its timeout is at most 15 minutes) and never resend the call, which would launch a second time.
LONG_CALL = {"read_timeout": 960, "connect_timeout": 10, "retries": {"total_max_attempts": 1}}


def long_call_client(session: Any, service: str, endpoint_url: str | None = None) -> Any:
    """A client for calls that run a stack in local AWS: long read timeout, no retries."""
    from botocore.config import Config

    return session.client(service, endpoint_url=endpoint_url, config=Config(**LONG_CALL))


# Studio is the SageMaker service acting with the user profile's execution role: the persona roles trust
# ``sagemaker.amazonaws.com`` only. Locally the client plays that service with the key local AWS knows as it for the
# role's account (see platform_cli/local/iam/README.md); the role's trust policy is still evaluated against the
# service principal, with ``aws:SourceAccount``.


def persona_session(
    session: Any, role_arn: str, endpoint_url: str | None = None, user_profile: str | None = None
) -> Any:
    """A session of the Studio persona ``role_arn`` as Studio gets one (AssumeRole by the SageMaker service), or
    ``None`` when it does not exist (base-infrastructure created no personas; ``session`` looks it up, as the
    operator). ``endpoint_url``: local AWS's endpoint when the session's clients are given one. ``user_profile``:
    the Studio user whose session it is; Studio names it as the session's source identity (the domain's
    ExecutionRoleIdentityConfig is USER_PROFILE_NAME), and SageMaker records it as the creator of the projects the
    session creates."""
    import boto3

    iam = session.client("iam", endpoint_url=endpoint_url)
    try:
        iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])
    except iam.exceptions.NoSuchEntityException:
        return None
    from platform_cli.local.iam.principals import SAGEMAKER_SERVICE, service_key

    service = boto3.Session(
        aws_access_key_id=service_key(SAGEMAKER_SERVICE, role_arn.split(":")[4]),
        aws_secret_access_key="local-sagemaker-service",  # noqa: S106 - not a secret: local AWS reads only the key id
        region_name=session.region_name,
    ).client("sts", endpoint_url=endpoint_url)
    identity = {"SourceIdentity": user_profile} if user_profile else {}
    credentials = service.assume_role(RoleArn=role_arn, RoleSessionName="studio", **identity)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )


def launch_in_studio(
    session: Any,
    *,
    naming_prefix: str,
    template_kind: str,
    project_name: str,
    user: str | None,
    delete_policy: str,
    project_id: str | None = None,
    persona: str = "data-scientist",
    timeout_seconds: float | None = None,
    template_parameters: Mapping[str, str] | None = None,
    user_profile: str | None = None,
) -> ProjectStack | None:
    """Create a project of ``template_kind`` as the ``persona`` role would in Studio (the given session when there
    is no such role): SageMaker CreateProject of the kind's product. ``None`` when local AWS has no such product
    (base-infrastructure not applied there). ``user_profile``: the Studio user launching it (SageMaker records it as
    the project's creator; the provisioning Lambda binds the requester to it). The given session (the operator's)
    only finds the persona and reads the project stack's status for the summary."""
    product = product_name(naming_prefix, template_kind)
    operator_cloudformation = session.client("cloudformation")
    # the persona's clients talk to the same endpoints as the given session's (local AWS's, set per client)
    endpoint = operator_cloudformation.meta.endpoint_url
    studio = _studio_session(session, naming_prefix, persona, endpoint, user_profile)
    catalog = long_call_client(studio, "servicecatalog", endpoint)
    try:
        catalog.describe_product(Name=product)
    except catalog.exceptions.ResourceNotFoundException:
        return None
    return create_project(
        long_call_client(studio, "sagemaker", endpoint),
        catalog,
        operator_cloudformation,
        product=product,
        project_name=project_name,
        # NamingPrefix is not passed: the template reads /mlops/naming_prefix, which base-infrastructure publishes.
        parameters={
            "GitHubUsername": user or "",
            "RepositoryDeletePolicy": delete_policy,
            **({TIMEOUT_PARAMETER: str(service_timeout(timeout_seconds))} if timeout_seconds else {}),
            **(template_parameters or {}),  # the template's own options (issue 17: RetrainOnNewData)
        },
        project_id=project_id,
    )


def delete_in_studio(
    session: Any,
    *,
    naming_prefix: str,
    project_name: str,
    persona: str = "data-scientist",
    user_profile: str | None = None,
) -> str:
    """Delete SageMaker project ``project_name`` as the ``persona`` would in Studio; ``DeleteCompleted`` or the
    status it keeps (``DeleteFailed``: its stack could not be deleted)."""
    endpoint = session.client("cloudformation").meta.endpoint_url
    studio = _studio_session(session, naming_prefix, persona, endpoint, user_profile)
    return delete_project(long_call_client(studio, "sagemaker", endpoint), project_name)


def _studio_session(
    session: Any, naming_prefix: str, persona: str, endpoint: str | None, user_profile: str | None
) -> Any:
    account = session.client("sts", endpoint_url=endpoint).get_caller_identity()["Account"]
    role_arn = f"arn:aws:iam::{account}:role/{naming_prefix}-{persona}"
    return persona_session(session, role_arn, endpoint, user_profile) or session


def repo_urls(outputs: Mapping[str, str]) -> dict[str, str]:
    """The stack's ``<Part>RepositoryUrl`` outputs as the custom resource's ``<Part>RepoUrl`` data names."""
    return {
        key.removesuffix("RepositoryUrl") + "RepoUrl": value
        for key, value in outputs.items()
        if key.endswith("RepositoryUrl")
    }
