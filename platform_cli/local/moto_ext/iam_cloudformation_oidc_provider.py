"""``AWS::IAM::OIDCProvider`` in CloudFormation: moto 5.2.5 skips the resource type (and with it every ``Ref`` to
it, which empties the roles' ``Federated`` principal and drops the stack's Outputs).

This registers a CloudFormation model for the type that creates, updates and deletes the provider through moto's
IAM backend, as CreateOpenIDConnectProvider would; ``Ref`` returns its ARN, as in AWS.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import refresh_model_lookups, resource_model_base

_registered: list[type[Any]] = []


def _backend(account_id: str, region_name: str) -> Any:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    return iam_backends[account_id][get_partition(region_name)]


def _create(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    return _backend(account_id, region_name).create_open_id_connect_provider(
        url=properties["Url"],
        thumbprint_list=list(properties.get("ThumbprintList", [])),
        client_id_list=list(properties.get("ClientIdList", [])),
        tags=list(properties.get("Tags", [])),
    )


def model() -> type[Any]:
    """The CloudFormation model (defined lazily so that importing this module registers nothing)."""
    if _registered:
        return _registered[0]
    from moto.core.common_models import CloudFormationModel

    base = resource_model_base("AWS::IAM::OIDCProvider", attributes={"Arn": "arn"})

    class OidcProviderResource(base, CloudFormationModel):  # type: ignore[valid-type,misc]
        def __init__(self, provider: Any) -> None:
            self.provider = provider
            self.arn = self.physical_id = provider.arn

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> OidcProviderResource:
            return cls(_create(cloudformation_json["Properties"], account_id, region_name))

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> OidcProviderResource:
            properties = cloudformation_json["Properties"]
            backend = _backend(account_id, region_name)
            backend.update_open_id_connect_provider_thumbprint(
                original_resource.arn, list(properties.get("ThumbprintList", []))
            )
            return cls(backend.get_open_id_connect_provider(original_resource.arn))

        @classmethod
        def delete_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> None:
            _backend(account_id, region_name).delete_open_id_connect_provider(resource_name)

    _registered.append(OidcProviderResource)
    return OidcProviderResource


def register() -> None:
    after_import("moto.cloudformation.parsing", _patch)


def _patch() -> None:
    model()
    refresh_model_lookups()
