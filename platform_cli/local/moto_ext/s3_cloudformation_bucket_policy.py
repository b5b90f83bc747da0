"""``AWS::S3::BucketPolicy`` in CloudFormation: moto 5.2.5 skips the resource type, so a stack's bucket policies
(the state bucket's TLS-only and no-deletion statements) never reach the bucket.

This registers a CloudFormation model for the type that puts, replaces and deletes the bucket's policy through
moto's S3 backend, as PutBucketPolicy/DeleteBucketPolicy would. (moto then enforces the statements it can decide;
``s3_policy_conditions`` keeps statements with a Condition from denying everything.)
"""

from __future__ import annotations

import json
from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import Created, define_resource_model, refresh_model_lookups

_registered: list[type[Any]] = []


def _put(properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    bucket = str(properties["Bucket"])
    document = properties["PolicyDocument"]
    text = document if isinstance(document, str) else json.dumps(document)
    s3_backends[account_id][get_partition(region_name)].put_bucket_policy(bucket, text.encode("utf-8"))
    return Created(physical_id=bucket)


def _create(resource_name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    return _put(properties, account_id, region_name)


def _update(original: Created, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    return _put(properties, account_id, region_name)


def _delete(bucket: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    # the template's Bucket is unresolved here (``{"Ref": ...}``); the physical id is the bucket's name
    backend = s3_backends[account_id][get_partition(region_name)]
    try:
        backend.delete_bucket_policy(str(bucket or properties.get("Bucket")))
    except MissingBucket:
        return  # the bucket was deleted first (a rollback deleting it): its policy went with it


def model() -> type[Any]:
    """The CloudFormation model (defined lazily, once moto's CloudFormation is loaded)."""
    if not _registered:
        _registered.append(
            define_resource_model("AWS::S3::BucketPolicy", create=_create, update=_update, delete=_delete)
        )
    return _registered[0]


def register() -> None:
    after_import("moto.cloudformation.parsing", _patch)


def _patch() -> None:
    model()
    refresh_model_lookups()
