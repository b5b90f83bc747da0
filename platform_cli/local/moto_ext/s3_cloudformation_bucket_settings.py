"""``AWS::S3::Bucket`` properties moto 5.2.5's CloudFormation ignores: versioning, public access block, ownership,
access logging, lifecycle and EventBridge notifications.

moto's bucket model applies only ``BucketEncryption`` and ``Tags``; every other property is dropped silently, so a
stack reports a versioned, private bucket that is neither. After moto's own create/update, this applies the
remaining properties through moto's S3 backend, exactly as the S3 API calls would.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import complete_create

_MARK = "_mlops_bucket_settings_registered"


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def lifecycle_rules(configuration: dict[str, Any]) -> list[dict[str, Any]]:
    """CloudFormation ``LifecycleConfiguration`` rules in the shape moto's S3 API layer hands its backend."""
    rules: list[dict[str, Any]] = []
    for rule in configuration.get("Rules", []):
        api: dict[str, Any] = {"ID": rule.get("Id", ""), "Status": rule["Status"]}
        api["Filter"] = {"Prefix": rule.get("Prefix", "")}
        if "ExpirationInDays" in rule:
            api["Expiration"] = {"Days": _text(rule["ExpirationInDays"])}
        if "NoncurrentVersionExpiration" in rule:
            expiration = rule["NoncurrentVersionExpiration"]
            api["NoncurrentVersionExpiration"] = {"NoncurrentDays": _text(expiration["NoncurrentDays"])}
            if "NewerNoncurrentVersions" in expiration:
                api["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = _text(
                    expiration["NewerNoncurrentVersions"]
                )
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": _text(days)}
        rules.append(api)
    return rules


def apply_settings(bucket_name: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    """Apply the bucket properties moto's CloudFormation skips."""
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    backend = s3_backends[account_id][get_partition(region_name)]
    if "VersioningConfiguration" in properties:
        backend.put_bucket_versioning(bucket_name, properties["VersioningConfiguration"]["Status"])
    if "PublicAccessBlockConfiguration" in properties:
        block = {key: _text(value) for key, value in properties["PublicAccessBlockConfiguration"].items()}
        backend.put_public_access_block(bucket_name, block)
    if "OwnershipControls" in properties:
        ownership = properties["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
        backend.put_bucket_ownership_controls(bucket_name, ownership)
    if "LoggingConfiguration" in properties:
        # Set directly: moto validates the target's permissions against its bucket policy, and moto's
        # CloudFormation does not apply AWS::S3::BucketPolicy (its policy engine treats a Deny with an unmet
        # condition as a Deny, so applying the TLS-only policy would refuse every request). The template's tests
        # check that the log bucket's policy grants logging.s3.amazonaws.com.
        logging = properties["LoggingConfiguration"]
        backend.get_bucket(bucket_name).logging = {
            "TargetBucket": logging["DestinationBucketName"],
            "TargetPrefix": logging.get("LogFilePrefix", ""),
        }
    if "LifecycleConfiguration" in properties:
        backend.put_bucket_lifecycle(bucket_name, lifecycle_rules(properties["LifecycleConfiguration"]))
    # Object events to EventBridge (a project's RetrainOnNewData); moto sends them once the bucket has the config.
    eventbridge = (properties.get("NotificationConfiguration") or {}).get("EventBridgeConfiguration") or {}
    enabled = str(eventbridge.get("EventBridgeEnabled", "")).lower() == "true"
    backend.put_bucket_notification_configuration(bucket_name, {"EventBridgeConfiguration": {}} if enabled else {})


def register() -> None:
    after_import("moto.s3.models", _patch)


def _apply_bucket_settings(bucket: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    apply_settings(bucket.name, properties, account_id, region_name)


def _patch() -> None:
    from moto.s3.models import FakeBucket

    complete_create(FakeBucket, _MARK, _apply_bucket_settings, also_on_update=True)
