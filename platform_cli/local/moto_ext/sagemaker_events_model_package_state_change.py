"""SageMaker emits "SageMaker Model Package State Change" on the account's default event bus when a model package
is created or its approval status changes (moto 5.2.5 emits nothing), so the platform's approval rule can match.

The event has the shape AWS documents: ``source`` ``aws.sagemaker``, ``detail-type``
``SageMaker Model Package State Change``, ``resources`` [the package's ARN], and a ``detail`` with the package's
description (``ModelPackageGroupName``, ``ModelPackageVersion``, ``ModelPackageArn``, ``ModelPackageName``,
``ModelPackageStatus``, ``ModelApprovalStatus``, ``ApprovalDescription``, ``CreationTime``, ``LastModifiedTime``,
``InferenceSpecification`` and ``ModelMetrics`` when set). An UpdateModelPackage that leaves the approval status as
it was emits nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

DETAIL_TYPE = "SageMaker Model Package State Change"
_MARK = "_mlops_model_package_events_registered"


def _millis(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, str):
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return value
    return value


def detail_of(package: Any) -> dict[str, Any]:
    """The event's ``detail``: the package as DescribeModelPackage describes it, times in epoch milliseconds."""
    described = package.gen_response_object() if hasattr(package, "gen_response_object") else {}
    keys = (
        "ModelPackageGroupName",
        "ModelPackageVersion",
        "ModelPackageArn",
        "ModelPackageName",
        "ModelPackageDescription",
        "ModelPackageStatus",
        "ModelPackageStatusDetails",
        "ModelApprovalStatus",
        "ApprovalDescription",
        "CertifyForMarketplace",
        "InferenceSpecification",
        "ModelMetrics",
        "CustomerMetadataProperties",
        "CreationTime",
        "LastModifiedTime",
    )
    detail = {key: described[key] for key in keys if described.get(key) is not None}
    for key in ("CreationTime", "LastModifiedTime"):
        if key in detail:
            detail[key] = _millis(detail[key])
    detail.setdefault("ModelPackageArn", package.arn)
    detail.setdefault("ModelApprovalStatus", getattr(package, "model_approval_status", None))
    return detail


def emit(backend: Any, package: Any) -> None:
    """Put the state-change event of ``package`` on the default bus of its account and region."""
    from moto.events.models import events_backends

    detail = detail_of(package)
    events_backends[backend.account_id][backend.region_name].put_events(
        [
            {
                "Source": "aws.sagemaker",
                "DetailType": DETAIL_TYPE,
                "Detail": json.dumps(detail, default=str),
                "Resources": [detail["ModelPackageArn"]],
                "EventBusName": "default",
            }
        ]
    )


def _package(backend: Any, arn: str) -> Any:
    return backend.model_packages.get(backend.model_package_name_mapping.get(arn, arn))


def register() -> None:
    from moto.sagemaker.models import SageMakerModelBackend

    if getattr(SageMakerModelBackend, _MARK, False):
        return
    moto_update = SageMakerModelBackend.update_model_package
    moto_create = SageMakerModelBackend.create_model_package

    def update_model_package(self: Any, model_package_arn: str, *args: Any, **kwargs: Any) -> Any:
        before = _package(self, model_package_arn)
        previous = getattr(before, "model_approval_status", None)
        arn = moto_update(self, model_package_arn, *args, **kwargs)
        after = _package(self, arn)
        if after is not None and after.model_approval_status != previous:
            emit(self, after)
        return arn

    def create_model_package(self: Any, *args: Any, **kwargs: Any) -> Any:
        arn = moto_create(self, *args, **kwargs)
        created = _package(self, arn)
        if created is not None:
            emit(self, created)
        return arn

    SageMakerModelBackend.update_model_package = update_model_package  # type: ignore[method-assign]
    SageMakerModelBackend.create_model_package = create_model_package  # type: ignore[method-assign]
    setattr(SageMakerModelBackend, _MARK, True)
