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
from platform_cli.local.moto_ext._cloudformation import complete_create

_MARK = "_mlops_ecr_repository_settings_registered"


def api_scan_configuration(cloudformation: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{ScanOnPush: x}`` (CloudFormation) as ``{scanOnPush: x}`` (the API); idempotent."""
    if not cloudformation:
        return cloudformation
    value = cloudformation.get("scanOnPush", cloudformation.get("ScanOnPush", False))
    return {"scanOnPush": str(value).lower() == "true"}


def register() -> None:
    after_import("moto.ecr.models", _patch)


def _api_spelling(properties: dict[str, Any]) -> dict[str, Any]:
    if properties.get("ImageScanningConfiguration"):
        scan = api_scan_configuration(properties["ImageScanningConfiguration"])
        return {**properties, "ImageScanningConfiguration": scan}
    return properties


def _apply_policies(repository: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.ecr.models import ecr_backends

    backend = ecr_backends[account_id][region_name]
    lifecycle = (properties.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
    if lifecycle:
        text = lifecycle if isinstance(lifecycle, str) else json.dumps(lifecycle)
        backend.put_lifecycle_policy(repository.registry_id, repository.name, text)
    policy = properties.get("RepositoryPolicyText")
    if policy:
        text = policy if isinstance(policy, str) else json.dumps(policy)
        backend.set_repository_policy(repository.registry_id, repository.name, text)


def _patch() -> None:
    from moto.ecr.models import Repository

    complete_create(Repository, _MARK, _apply_policies, before=_api_spelling)
