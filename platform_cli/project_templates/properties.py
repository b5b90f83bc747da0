"""What a rendered project template passes its ``Custom::ProjectRepos`` resource, computed from platform.yaml.

Used where the template's own stack is not at hand: the CLI rebuilding a project's desired repositories for
``mlops project describe|sync`` (on AWS from its SageMaker id, locally from the recorded launch). A create never
uses it: CloudFormation resolves the template's own properties.
"""

from __future__ import annotations

import uuid
from typing import Any

from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.provisioning.contract import BRING_YOUR_OWN_CONTAINER, load_contract

# The project templates' parameter bounding CloudFormation's wait for the repositories (the custom resource's
# ServiceTimeout, for the create and again for its rollback's Delete): `mlops project create --timeout` sets it.
TIMEOUT_PARAMETER = "ProvisioningTimeoutSeconds"


def service_timeout(timeout_seconds: float) -> int:
    """The ServiceTimeout that keeps a create and its rollback within ``timeout_seconds``: half for each."""
    return max(1, min(3600, int(timeout_seconds // 2)))


def template_properties(
    config: PlatformConfig,
    *,
    project_name: str,
    project_id: str,
    kind: TemplateKind,
    business_unit: str,
    requesting_user: str | None = None,
    delete_policy: str = "archive",
    extra_variables: dict[str, str] | None = None,
    bring_your_own_container: bool = False,
) -> dict[str, Any]:
    """The ``ResourceProperties`` the rendered project template would pass (same names as the template)."""
    unit = config.business_unit(business_unit)
    dev = unit.dev
    props: dict[str, Any] = {
        "ServiceToken": f"arn:aws:lambda:{config.aws.region}:{dev}:function:{config.naming_prefix}-project-repos",
        "ProjectName": project_name,
        "ProjectId": project_id,
        "TemplateKind": kind.value,
        "ArtifactBucket": f"{config.naming_prefix}-{project_id}-{dev}",
        "ModelPackageGroupName": f"{project_name}-{project_id}",
        "PipelineExecutionRoleArn": f"arn:aws:iam::{dev}:role/{config.naming_prefix}-{project_id}-pipeline",
        "RequestingUser": requesting_user or "",
        "DeletePolicy": delete_policy,
        "Region": config.aws.region,
        "Accounts": {"dev": unit.dev, "preprod": unit.preprod, "prod": unit.prod},
    }
    if extra_variables:
        props["ExtraVariables"] = dict(extra_variables)
    # bring your own container: kinds that offer it always pass the property ("" when off), as their template does
    if bring_your_own_container or kind in load_contract().options[BRING_YOUR_OWN_CONTAINER].kinds:
        props["ContainerRepository"] = (
            container_repository_name(config.naming_prefix, project_id) if bring_your_own_container else ""
        )
    return props


# The project templates' Studio parameter of the bring-your-own-container option (src/project.yaml.j2).
BYOC_PARAMETER = "BringYourOwnContainer"


def container_repository_name(naming_prefix: str, project_id: str) -> str:
    """The project's ECR repository (bring your own container), named as the project template's
    ``ContainerRepository`` names it: ``<prefix>/<project id>`` (the same name in dev, preprod and prod)."""
    return f"{naming_prefix}/{project_id}"


def offers_bring_your_own_container(kind: TemplateKind) -> bool:
    return kind in load_contract().options[BRING_YOUR_OWN_CONTAINER].kinds


def new_project_id() -> str:
    """A SageMaker-style project id (``p-`` + 12 lower-case alphanumerics)."""
    return "p-" + uuid.uuid4().hex[:12]
