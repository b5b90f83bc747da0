"""SageMaker domains as the platform and Terraform use them.

moto 5.2.5 gaps fixed here:
- CreateDomain answers without ``DomainId`` (its botocore model predates the field, so moto's serialiser drops
  it and Terraform polls ``DescribeDomain(DomainId="")`` until it gives up) and uses ``d-<name>`` as the id; here
  the id is AWS-shaped (``d-`` + 12 characters) and returned.
- ``TagPropagation`` is dropped; here it is kept and described (Terraform re-plans otherwise).
- Describe/Delete of an unknown domain raise ``ValidationException``; AWS (and Terraform's waiter on destroy)
  use ``ResourceNotFound``.
- A domain with user profiles is deleted; AWS refuses with ``ResourceInUse``.
- UpdateDomain is missing (here: its settings, ``DomainSettingsForUpdate``'s ``ExecutionRoleIdentityConfig`` and
  security groups included).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ResourceInUseException
from moto.sagemaker.models import Domain
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from platform_cli.local.moto_ext._sagemaker import find_domain
from platform_cli.local.moto_ext._support import add_action, json_response, random_id
from platform_cli.local.moto_ext.sagemaker_user_profile import profiles_of

_CREATE_PARAMS = {
    "domain_name": "DomainName",
    "auth_mode": "AuthMode",
    "default_user_settings": "DefaultUserSettings",
    "domain_settings": "DomainSettings",
    "subnet_ids": "SubnetIds",
    "vpc_id": "VpcId",
    "tags": "Tags",
    "app_network_access_type": "AppNetworkAccessType",
    "home_efs_file_system_kms_key_id": "HomeEfsFileSystemKmsKeyId",
    "kms_key_id": "KmsKeyId",
    "app_security_group_management": "AppSecurityGroupManagement",
    "default_space_settings": "DefaultSpaceSettings",
}


def _create_domain(self: Any) -> tuple[int, dict[str, str], str]:
    backend = self.sagemaker_backend
    name = self._get_param("DomainName")
    if any(domain.domain_name == name for domain in backend.domains.values()):
        raise ResourceInUseException(message=f"Resource Already Exists: Domain with name {name} already exists.")
    kwargs = {arg: self._get_param(param) for arg, param in _CREATE_PARAMS.items()}
    backend.create_domain(**kwargs)
    domain = backend.domains.pop(f"d-{name}")
    domain.id = random_id("d-")
    domain.arn = arn_formatter("domain", domain.id, backend.account_id, backend.region_name)
    domain.tags = list(kwargs["tags"] or [])
    domain.tag_propagation = self._get_param("TagPropagation") or "DISABLED"
    backend.domains[domain.id] = domain
    # DomainId joined CreateDomain's answer after the botocore model moto serialises with; Terraform reads it.
    return json_response({"DomainArn": domain.arn, "DomainId": domain.id, "Url": domain.url})


def _describe_domain(self: Any) -> Any:
    domain = find_domain(self.sagemaker_backend, self._get_param("DomainId"))
    return ActionResult(domain.describe())


def _delete_domain(self: Any) -> Any:
    backend = self.sagemaker_backend
    domain_id = self._get_param("DomainId")
    find_domain(backend, domain_id)
    if profiles_of(backend, domain_id):
        raise ResourceInUseException(
            message=f"Domain {domain_id} has user profiles; delete them before deleting the domain."
        )
    del backend.domains[domain_id]
    return EmptyResult()


def _update_domain(self: Any) -> Any:
    domain = find_domain(self.sagemaker_backend, self._get_param("DomainId"))
    if (settings := self._get_param("DefaultUserSettings")) is not None:
        domain.default_user_settings = settings
    if (space := self._get_param("DefaultSpaceSettings")) is not None:
        domain.default_space_settings = space
    if (subnets := self._get_param("SubnetIds")) is not None:
        domain.subnet_ids = subnets
    if (access := self._get_param("AppNetworkAccessType")) is not None:
        domain.app_network_access_type = access
    if (propagation := self._get_param("TagPropagation")) is not None:
        domain.tag_propagation = propagation
    if (management := self._get_param("AppSecurityGroupManagement")) is not None:
        domain.app_security_group_management = management
    if (settings := self._get_param("DomainSettingsForUpdate")) is not None:
        # ExecutionRoleIdentityConfig (USER_PROFILE_NAME: Studio's sessions carry the user as source identity)
        kept = {
            key: value for key, value in settings.items() if key in ("ExecutionRoleIdentityConfig", "SecurityGroupIds")
        }
        domain.domain_settings = {**(domain.domain_settings or {}), **kept}
    return ActionResult({"DomainArn": domain.arn})


_moto_describe = Domain.describe


def _describe_with_propagation(self: Any) -> dict[str, Any]:
    description: dict[str, Any] = _moto_describe(self)
    description["TagPropagation"] = getattr(self, "tag_propagation", "DISABLED")
    return description


def register() -> None:
    setattr(Domain, "describe", _describe_with_propagation)  # noqa: B010 (patching a class from outside)
    add_action(SageMakerResponse, "create_domain", _create_domain)
    add_action(SageMakerResponse, "describe_domain", _describe_domain)
    add_action(SageMakerResponse, "delete_domain", _delete_domain)
    add_action(SageMakerResponse, "update_domain", _update_domain)
