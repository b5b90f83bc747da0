"""``AWS::IAM::OIDCProvider`` in CloudFormation: moto 5.2.5 skips the resource type (and with it every ``Ref`` to
it, which empties the roles' ``Federated`` principal and drops the stack's Outputs).

This registers a CloudFormation model for the type that creates, updates and deletes the provider through moto's
IAM backend, as CreateOpenIDConnectProvider would; ``Ref`` returns its ARN, as in AWS.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import Created, define_resource_model, refresh_model_lookups

_registered: list[type[Any]] = []


def _backend(account_id: str, region_name: str) -> Any:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    return iam_backends[account_id][get_partition(region_name)]


def _create(resource_name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    provider = _backend(account_id, region_name).create_open_id_connect_provider(
        url=properties["Url"],
        thumbprint_list=list(properties.get("ThumbprintList", [])),
        client_id_list=list(properties.get("ClientIdList", [])),
        tags=list(properties.get("Tags", [])),
    )
    return _created(provider.arn)


def _created(arn: str) -> Created:
    return Created(physical_id=arn, attributes={"Arn": arn})  # Ref and Fn::GetAtt Arn both give the ARN, as in AWS


def _update(original: Created, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    thumbprints = list(properties.get("ThumbprintList", []))
    _backend(account_id, region_name).update_open_id_connect_provider_thumbprint(original.physical_id, thumbprints)
    return original


def _delete(arn: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    _backend(account_id, region_name).delete_open_id_connect_provider(arn)


def model() -> type[Any]:
    """The CloudFormation model (defined lazily so that importing this module registers nothing)."""
    if not _registered:
        _registered.append(
            define_resource_model(
                "AWS::IAM::OIDCProvider", create=_create, update=_update, delete=_delete, attribute_names=("Arn",)
            )
        )
    return _registered[0]


def register() -> None:
    after_import("moto.cloudformation.parsing", _patch)


def _patch() -> None:
    model()
    refresh_model_lookups()
