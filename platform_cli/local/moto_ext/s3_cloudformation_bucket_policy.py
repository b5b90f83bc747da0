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
from platform_cli.local.moto_ext._cloudformation import refresh_model_lookups, resource_model_base

_registered: list[type[Any]] = []


def _put(properties: dict[str, Any], account_id: str, region_name: str) -> str:
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    bucket = str(properties["Bucket"])
    document = properties["PolicyDocument"]
    text = document if isinstance(document, str) else json.dumps(document)
    s3_backends[account_id][get_partition(region_name)].put_bucket_policy(bucket, text.encode("utf-8"))
    return bucket


def model() -> type[Any]:
    """The CloudFormation model (defined lazily, once moto's CloudFormation is loaded)."""
    if _registered:
        return _registered[0]
    from moto.core.common_models import CloudFormationModel

    base = resource_model_base("AWS::S3::BucketPolicy")

    class BucketPolicyResource(base, CloudFormationModel):  # type: ignore[valid-type,misc]
        def __init__(self, bucket: str) -> None:
            self.bucket = self.physical_id = bucket

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> BucketPolicyResource:
            return cls(_put(cloudformation_json["Properties"], account_id, region_name))

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> BucketPolicyResource:
            return cls(_put(cloudformation_json["Properties"], account_id, region_name))

        @classmethod
        def delete_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> None:
            from moto.s3.exceptions import MissingBucket
            from moto.s3.models import s3_backends
            from moto.utilities.utils import get_partition

            # the template's Bucket is unresolved here (``{"Ref": ...}``); the physical id is the bucket's name
            given = cloudformation_json.get("Properties", {}).get("Bucket")
            bucket = str(resource_name or given)
            try:
                s3_backends[account_id][get_partition(region_name)].delete_bucket_policy(bucket)
            except MissingBucket:
                return  # the bucket was deleted first (a rollback deleting it): its policy went with it

    _registered.append(BucketPolicyResource)
    return BucketPolicyResource


def register() -> None:
    after_import("moto.cloudformation.parsing", _patch)


def _patch() -> None:
    model()
    refresh_model_lookups()
