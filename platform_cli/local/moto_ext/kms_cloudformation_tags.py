"""KMS keys declared in CloudFormation with ``Tags``: moto 5.2.5 fails the whole stack on them.

CloudFormation spells a key's tags ``{Key, Value}``; moto hands them unchanged to its KMS backend, whose tagger
expects ``{TagKey, TagValue}`` (the KMS API's spelling) and raises ``KeyError: 'TagKey'``. This translates the
tags before moto's own ``create_from_cloudformation_json`` runs, so the bootstrap template deploys unchanged.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_ORIGINAL_ATTRIBUTE = "_mlops_original_create_from_cloudformation_json"


def kms_tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """CloudFormation ``{Key, Value}`` tags in the KMS API's ``{TagKey, TagValue}`` spelling (idempotent)."""
    return [
        {"TagKey": tag.get("TagKey", tag.get("Key", "")), "TagValue": tag.get("TagValue", tag.get("Value", ""))}
        for tag in tags
    ]


def register() -> None:
    after_import("moto.kms.models", _patch)


def _patch() -> None:
    from moto.kms.models import Key

    if hasattr(Key, _ORIGINAL_ATTRIBUTE):
        return
    original = Key.create_from_cloudformation_json  # a bound classmethod

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json.get("Properties", {})
        if properties.get("Tags"):
            properties = {**properties, "Tags": kms_tags(properties["Tags"])}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)

    setattr(Key, _ORIGINAL_ATTRIBUTE, original)
    Key.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[assignment,method-assign]
