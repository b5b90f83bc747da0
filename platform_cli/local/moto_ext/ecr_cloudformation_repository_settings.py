"""ECR repositories declared in CloudFormation with their settings (bring your own container, issue 17 item 1).

moto 5.2.5 creates an ``AWS::ECR::Repository`` but drops ``LifecyclePolicy`` and ``RepositoryPolicyText``, and hands
``ImageScanningConfiguration`` over in CloudFormation's spelling (``ScanOnPush``) where its backend reads the API's
(``scanOnPush``), so scan on push stays off. This translates the scan setting before moto's own
``create_from_cloudformation_json`` runs and applies the two policies through moto's ECR backend after it, so the
project template's repository is what AWS would create.
"""

from __future__ import annotations

import json
from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_ORIGINAL_ATTRIBUTE = "_mlops_original_create_from_cloudformation_json"


def api_scan_configuration(cloudformation: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{ScanOnPush: x}`` (CloudFormation) as ``{scanOnPush: x}`` (the API); idempotent."""
    if not cloudformation:
        return cloudformation
    value = cloudformation.get("scanOnPush", cloudformation.get("ScanOnPush", False))
    return {"scanOnPush": str(value).lower() == "true"}


def register() -> None:
    after_import("moto.ecr.models", _patch)


def _patch() -> None:
    from moto.ecr.models import Repository, ecr_backends

    if hasattr(Repository, _ORIGINAL_ATTRIBUTE):
        return
    original = Repository.create_from_cloudformation_json  # a bound classmethod

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = dict(cloudformation_json.get("Properties", {}))
        if properties.get("ImageScanningConfiguration"):
            properties["ImageScanningConfiguration"] = api_scan_configuration(properties["ImageScanningConfiguration"])
        repository = original(
            resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs
        )
        backend = ecr_backends[account_id][region_name]
        lifecycle = (properties.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
        if lifecycle:
            text = lifecycle if isinstance(lifecycle, str) else json.dumps(lifecycle)
            backend.put_lifecycle_policy(repository.registry_id, repository.name, text)
        policy = properties.get("RepositoryPolicyText")
        if policy:
            text = policy if isinstance(policy, str) else json.dumps(policy)
            backend.set_repository_policy(repository.registry_id, repository.name, text)
        return repository

    setattr(Repository, _ORIGINAL_ATTRIBUTE, original)
    Repository.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[assignment,method-assign]
