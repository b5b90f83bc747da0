"""SageMaker tags as AWS keeps them: one value per key.

moto 5.2.5's AddTags appends, so re-tagging a key (what Terraform does when a tag value changes) leaves both
values and ListTags returns duplicates; resources created without tags answer ListTags with no ``Tags``; an ARN
with two path segments (a user profile) or naming no resource fails with HTTP 500 instead of an AWS error.
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend

from platform_cli.local.moto_ext.sagemaker_user_profile import find_profile

_moto_list_tags = SageMakerModelBackend.list_tags
_moto_resource_from_arn = SageMakerModelBackend._get_resource_from_arn


def _resource_from_arn(self: Any, arn: str) -> Any:
    resource_path = arn.split(":", 5)[-1]
    if resource_path.startswith("user-profile/"):
        _, domain_id, name = resource_path.split("/", 2)
        return find_profile(self, domain_id, name)
    try:
        resource = _moto_resource_from_arn(self, arn)
    except (AttributeError, ValueError):
        resource = None
    if resource is None:
        raise ValidationError(message=f"Resource {arn} does not exist.")
    return resource


def _add_tags(self: Any, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
    resource = self._get_resource_from_arn(arn)
    merged = {tag["Key"]: tag["Value"] for tag in resource.tags or []}
    merged.update({tag["Key"]: tag["Value"] for tag in tags})
    resource.tags = [{"Key": key, "Value": value} for key, value in merged.items()]
    return list(resource.tags)


def _delete_tags(self: Any, arn: str, tag_keys: list[str]) -> None:
    resource = self._get_resource_from_arn(arn)
    resource.tags = [tag for tag in resource.tags or [] if tag["Key"] not in tag_keys]


def _list_tags(self: Any, *args: Any, **kwargs: Any) -> Any:
    arn = kwargs.get("arn", args[0] if args else None)
    resource = self._get_resource_from_arn(arn)
    if resource.tags is None:
        resource.tags = []
    return _moto_list_tags(self, *args, **kwargs)


def register() -> None:
    setattr(SageMakerModelBackend, "_get_resource_from_arn", _resource_from_arn)  # noqa: B010 (patching a class from outside)
    setattr(SageMakerModelBackend, "add_tags", _add_tags)  # noqa: B010 (patching a class from outside)
    setattr(SageMakerModelBackend, "delete_tags", _delete_tags)  # noqa: B010 (patching a class from outside)
    setattr(SageMakerModelBackend, "list_tags", _list_tags)  # noqa: B010 (patching a class from outside)
