"""CloudFormation ``ResourceProperties`` of ``Custom::ProjectRepos`` → a validated ``ProjectRequest``.

Properties (CloudFormation passes strings): ``ProjectName``, ``ProjectId``, ``TemplateKind``,
``ArtifactBucket``, ``ModelPackageGroupName``, ``PipelineExecutionRoleArn``, ``Accounts`` (``{dev, preprod,
prod}`` account ids), optional ``RequestingUser`` (GitHub login), ``DeletePolicy`` (archive|delete|retain),
``Region``, ``ExtraVariables`` (map), ``ExtraSecrets`` (map of name → Secrets Manager secret id; values are
read at run time, never passed through CloudFormation), ``ContainerRepository`` (the project's ECR repository
when the bring-your-own-container option is on, else ""). Organisation-wide values come from ``LambdaSettings``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from platform_cli.lambdas.settings import LambdaSettings
from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.provisioning.request import ProjectRequest, parse_request

KNOWN = {
    "ServiceToken",
    "ProjectName",
    "ProjectId",
    "TemplateKind",
    "ArtifactBucket",
    "ModelPackageGroupName",
    "PipelineExecutionRoleArn",
    "Accounts",
    "RequestingUser",
    "DeletePolicy",
    "Region",
    "ExtraVariables",
    "ExtraSecrets",
    "ContainerRepository",  # bring your own container (issue 17 item 1): the ECR repository's name, or ""
}


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _mapping(properties: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = properties.get(key) or {}
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"custom resource property {key} must be a map")
    return dict(value)


def request_from_properties(
    properties: Mapping[str, Any],
    settings: LambdaSettings,
    resolve_secret: Callable[[str], str] | None = None,
) -> ProjectRequest:
    """Validate the properties; raise ``InvalidRequestError`` naming the first problem."""
    if not isinstance(properties, Mapping):
        raise InvalidRequestError("custom resource has no ResourceProperties")
    unknown = sorted(set(properties) - KNOWN)
    if unknown:
        raise InvalidRequestError(f"unknown custom resource property {unknown[0]}; allowed: {', '.join(sorted(KNOWN))}")
    region = str(properties.get("Region") or settings.region)
    partition = _partition(region)
    accounts = _mapping(properties, "Accounts")
    environments = {
        env: {
            "account_id": str(account),
            "role_arn": f"arn:{partition}:iam::{account}:role/{settings.deploy_role}",
            "build_role_arn": f"arn:{partition}:iam::{account}:role/{settings.build_role}" if env == "dev" else None,
            "sagemaker_execution_role_arn": f"arn:{partition}:iam::{account}:role/{settings.sagemaker_execution_role}",
        }
        for env, account in accounts.items()
    }
    secrets: dict[str, str] = {}
    for name, secret_id in _mapping(properties, "ExtraSecrets").items():
        if resolve_secret is None:
            raise InvalidRequestError("ExtraSecrets need a secret resolver; none is configured")
        secrets[str(name)] = resolve_secret(str(secret_id))
    data: dict[str, Any] = {
        "project_name": properties.get("ProjectName"),
        "project_id": properties.get("ProjectId"),
        "template_kind": properties.get("TemplateKind"),
        "org": settings.github_org,
        "template_org": settings.template_org,
        "requesting_user": properties.get("RequestingUser") or None,
        "region": region,
        "artifact_bucket": properties.get("ArtifactBucket"),
        "model_package_group_name": properties.get("ModelPackageGroupName"),
        "pipeline_execution_role_arn": properties.get("PipelineExecutionRoleArn"),
        "environments": environments,
        "reviewers_team": settings.reviewers_team,
        "maintainers_team": settings.maintainers_team,
        "visibility": settings.repo_visibility,
        "delete_policy": properties.get("DeletePolicy") or "archive",
        "extra_variables": {str(k): str(v) for k, v in _mapping(properties, "ExtraVariables").items()},
        "extra_secrets": secrets,
        "container_repository": properties.get("ContainerRepository") or None,
    }
    return parse_request({key: value for key, value in data.items() if value is not None})


def secret_fingerprints(properties: Mapping[str, Any]) -> dict[str, str]:
    """Secret name → hash of its reference: which secrets an Update points at differently (to rotate them)."""
    refs = properties.get("ExtraSecrets") if isinstance(properties, Mapping) else None
    if not isinstance(refs, Mapping):
        return {}
    return {str(k): hashlib.sha256(str(v).encode()).hexdigest() for k, v in refs.items()}
