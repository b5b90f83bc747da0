"""The data scientist's path against local AWS, through the same services as in Studio: launch a project template
(Service Catalog ProvisionProduct → CloudFormation stack → custom resource → provisioning Lambda → repos),
update and terminate it, and approve a model package (UpdateModelPackage → EventBridge → trigger Lambda).

Nothing here plays a service: each function makes the call Studio (or the data scientist) makes, with the
clients it is given (build them from the data scientist's session), and reads the outcome back. Service Catalog
in local AWS runs the stack synchronously, so a launch's record is final when ProvisionProduct returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from platform_cli.errors import PlatformError


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
        }


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


def _stack(cloudformation: Any, outputs: list[dict[str, str]]) -> tuple[str | None, str | None, dict[str, str]]:
    values = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    arn = values.pop("CloudformationStackARN", None)
    status = None
    if arn:
        stack = cloudformation.describe_stacks(StackName=arn)["Stacks"][0]
        status = stack["StackStatus"]
        values = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []}
    return arn, status, values


def _outcome(catalog: Any, cloudformation: Any, name: str, project_id: str, record: dict[str, Any]) -> ProjectStack:
    described = catalog.describe_record(Id=record["RecordId"])
    detail = described["RecordDetail"]
    arn, status, outputs = _stack(cloudformation, described.get("RecordOutputs") or [])
    if arn is None:  # a failed launch reports no outputs: its stack is named after the provisioned product
        suffix = f"-{detail['ProvisionedProductId']}"
        match = [s for s in cloudformation.describe_stacks()["Stacks"] if s["StackName"].endswith(suffix)]
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
    cloudformation: Any,
    *,
    product: str,
    project_name: str,
    parameters: Mapping[str, str] | None = None,
    project_id: str | None = None,
) -> ProjectStack:
    """Launch ``product`` as Studio does for a new project: ProvisionProduct with SageMaker's two parameters
    (``SageMakerProjectName``, ``SageMakerProjectId``) plus ``parameters``, through the product's launch path."""
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


def update_project(
    catalog: Any, cloudformation: Any, launched: ProjectStack, parameters: Mapping[str, str]
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


# Local AWS runs a launch's stack, custom resource included, inside the ProvisionProduct call (and a termination's
# inside TerminateProvisionedProduct): wait as long as the provisioning Lambda may run (its timeout is at most 15
# minutes) and never resend the call, which would launch a second time.
LONG_CALL = {"read_timeout": 960, "connect_timeout": 10, "retries": {"total_max_attempts": 1}}


def long_call_client(session: Any, service: str, endpoint_url: str | None = None) -> Any:
    """A client for calls that run a stack in local AWS: long read timeout, no retries."""
    from botocore.config import Config

    return session.client(service, endpoint_url=endpoint_url, config=Config(**LONG_CALL))


def persona_session(session: Any, role_arn: str) -> Any:
    """A session of the Studio persona ``role_arn`` (AssumeRole from ``session``), or ``None`` when it does not
    exist (base-infrastructure created no personas)."""
    import boto3

    iam = session.client("iam")
    try:
        iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])
    except iam.exceptions.NoSuchEntityException:
        return None
    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="studio")["Credentials"]
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
) -> ProjectStack | None:
    """Launch ``template_kind``'s product as the ``persona`` role would in Studio (the given session when there is
    no such role). ``None`` when local AWS has no such product (base-infrastructure not applied there)."""
    product = product_name(naming_prefix, template_kind)
    admin_catalog = session.client("servicecatalog")
    try:
        admin_catalog.describe_product(Name=product)
    except admin_catalog.exceptions.ResourceNotFoundException:
        return None
    account = session.client("sts").get_caller_identity()["Account"]
    studio = persona_session(session, f"arn:aws:iam::{account}:role/{naming_prefix}-{persona}") or session
    # the persona's clients talk to the same endpoints as the given session's (local AWS's, set per client)
    catalog_endpoint = admin_catalog.meta.endpoint_url
    cloudformation_endpoint = session.client("cloudformation").meta.endpoint_url
    return launch_project(
        long_call_client(studio, "servicecatalog", catalog_endpoint),
        studio.client("cloudformation", endpoint_url=cloudformation_endpoint),
        product=product,
        project_name=project_name,
        # NamingPrefix is not passed: the template reads /mlops/naming_prefix, which base-infrastructure publishes.
        parameters={"GitHubUsername": user or "", "RepositoryDeletePolicy": delete_policy},
        project_id=project_id,
    )


def repo_urls(outputs: Mapping[str, str]) -> dict[str, str]:
    """The stack's ``<Part>RepositoryUrl`` outputs as the custom resource's ``<Part>RepoUrl`` data names."""
    return {
        key.removesuffix("RepositoryUrl") + "RepoUrl": value
        for key, value in outputs.items()
        if key.endswith("RepositoryUrl")
    }
