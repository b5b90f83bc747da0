"""``AWS::DynamoDB::Table`` ``PointInTimeRecoverySpecification``: moto 5.2.5's CloudFormation ignores it.

After moto's own create, this turns point-in-time recovery on through moto's DynamoDB backend (as
UpdateContinuousBackups would), so ``describe-continuous-backups`` reports what the template declares.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_pitr_registered"


def register() -> None:
    after_import("moto.dynamodb.models", _patch)


def _patch() -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table

    if getattr(Table, _MARK, False):
        return
    original_create = Table.create_from_cloudformation_json

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        table = original_create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        specification = cloudformation_json.get("Properties", {}).get("PointInTimeRecoverySpecification")
        if specification and str(specification.get("PointInTimeRecoveryEnabled")).lower() == "true":
            dynamodb_backends[account_id][region_name].update_continuous_backups(
                table.name, {"PointInTimeRecoveryEnabled": True}
            )
        return table

    Table.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[assignment,method-assign]
    setattr(Table, _MARK, True)
