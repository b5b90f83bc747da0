"""KMS keys declared in CloudFormation with ``Tags``: moto 5.2.5 fails the whole stack on them.

CloudFormation spells a key's tags ``{Key, Value}``; moto hands them unchanged to its KMS backend, whose tagger
expects ``{TagKey, TagValue}`` (the KMS API's spelling) and raises ``KeyError: 'TagKey'``. This translates the
tags before moto's own ``create_from_cloudformation_json`` runs, so the bootstrap template deploys unchanged.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import complete_create

_MARK = "_mlops_kms_tags_registered"


def kms_tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """CloudFormation ``{Key, Value}`` tags in the KMS API's ``{TagKey, TagValue}`` spelling (idempotent)."""
    return [
        {"TagKey": tag.get("TagKey", tag.get("Key", "")), "TagValue": tag.get("TagValue", tag.get("Value", ""))}
        for tag in tags
    ]


def register() -> None:
    after_import("moto.kms.models", _patch)


def _kms_spelling(properties: dict[str, Any]) -> dict[str, Any]:
    return {**properties, "Tags": kms_tags(properties["Tags"])} if properties.get("Tags") else properties


def _patch() -> None:
    from moto.kms.models import Key

    complete_create(Key, _MARK, before=_kms_spelling)
