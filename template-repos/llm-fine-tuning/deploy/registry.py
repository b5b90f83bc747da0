"""Which model package to deploy: the one dispatched (must be Approved) or the latest Approved of the group."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from deploy.errors import DeployError


def require_approved(sagemaker: Any, model_package_arn: str) -> dict[str, Any]:
    try:
        package: dict[str, Any] = sagemaker.describe_model_package(ModelPackageName=model_package_arn)
    except ClientError as exc:
        raise DeployError(f"model package {model_package_arn} not found or not readable: {exc}") from exc
    status = package.get("ModelApprovalStatus")
    if status != "Approved":
        raise DeployError(
            f"model package {model_package_arn} is {status}, not Approved: approve it in SageMaker Studio first"
        )
    return package


def latest_approved(sagemaker: Any, group_name: str) -> str:
    response = sagemaker.list_model_packages(
        ModelPackageGroupName=group_name,
        ModelApprovalStatus="Approved",
        SortBy="CreationTime",
        SortOrder="Descending",
        MaxResults=1,
    )
    packages = response.get("ModelPackageSummaryList", [])
    if not packages:
        raise DeployError(f"no Approved model package in group {group_name}: run the build pipeline and approve one")
    return str(packages[0]["ModelPackageArn"])


def resolve(sagemaker: Any, group_name: str, model_package_arn: str | None) -> str:
    """The dispatched package when given (checked Approved), else the group's latest Approved package."""
    arn = model_package_arn or latest_approved(sagemaker, group_name)
    require_approved(sagemaker, arn)
    return arn


def version_of(model_package_arn: str) -> str:
    """`arn:...:model-package/<group>/<version>` -> `<version>` (or `0` for unversioned packages)."""
    tail = model_package_arn.rsplit("/", 1)[-1]
    return tail if tail.isdigit() else "0"
