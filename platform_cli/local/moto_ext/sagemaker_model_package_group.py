"""SageMaker model package groups: delete, and resource policies for cross-account registry access.

moto 5.2.5 lacks DeleteModelPackageGroup (Terraform's destroy and a project's deletion call it) and
Put/Get/DeleteModelPackageGroupPolicy (how preprod and prod read the dev registry). Errors follow AWS: an unknown
group is a ``ValidationException`` "... does not exist", a missing policy "Cannot find Model Package Group Policy".
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.responses import SageMakerResponse

from platform_cli.local.moto_ext._support import add_action, state


def _group_name(value: str) -> str:
    """Accept a name or an ARN (``...:model-package-group/<name>``), as AWS does."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def _find_group(backend: Any, name_or_arn: str) -> Any:
    # moto's describe raises AWS's "ModelPackageGroup <arn> does not exist." ValidationException.
    return backend.describe_model_package_group(model_package_group_name=_group_name(name_or_arn))


def _policies(backend: Any) -> dict[str, str]:
    return state(backend, "model_package_group_policies", dict)


def _delete_model_package_group(self: Any) -> EmptyResult:
    backend = self.sagemaker_backend
    group = _find_group(backend, self._get_param("ModelPackageGroupName"))
    del backend.model_package_groups[group.model_package_group_name]
    _policies(backend).pop(group.model_package_group_name, None)
    return EmptyResult()


def _put_model_package_group_policy(self: Any) -> ActionResult:
    backend = self.sagemaker_backend
    group = _find_group(backend, self._get_param("ModelPackageGroupName"))
    _policies(backend)[group.model_package_group_name] = self._get_param("ResourcePolicy")
    return ActionResult({"ModelPackageGroupArn": group.arn})


def _get_model_package_group_policy(self: Any) -> ActionResult:
    backend = self.sagemaker_backend
    group = _find_group(backend, self._get_param("ModelPackageGroupName"))
    policy = _policies(backend).get(group.model_package_group_name)
    if policy is None:
        raise ValidationError(message=f"Cannot find Model Package Group Policy for {group.arn}")
    return ActionResult({"ResourcePolicy": policy})


def _delete_model_package_group_policy(self: Any) -> EmptyResult:
    backend = self.sagemaker_backend
    group = _find_group(backend, self._get_param("ModelPackageGroupName"))
    if _policies(backend).pop(group.model_package_group_name, None) is None:
        raise ValidationError(message=f"Cannot find Model Package Group Policy for {group.arn}")
    return EmptyResult()


def register() -> None:
    add_action(SageMakerResponse, "delete_model_package_group", _delete_model_package_group)
    add_action(SageMakerResponse, "put_model_package_group_policy", _put_model_package_group_policy)
    add_action(SageMakerResponse, "get_model_package_group_policy", _get_model_package_group_policy)
    add_action(SageMakerResponse, "delete_model_package_group_policy", _delete_model_package_group_policy)
