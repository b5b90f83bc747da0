"""``AWS::DynamoDB::Table`` ``PointInTimeRecoverySpecification``: moto 5.2.5's CloudFormation ignores it.

After moto's own create, this turns point-in-time recovery on through moto's DynamoDB backend (as
UpdateContinuousBackups would), so ``describe-continuous-backups`` reports what the template declares.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import complete_create

_MARK = "_mlops_pitr_registered"


def register() -> None:
    after_import("moto.dynamodb.models", _patch)


def _enable_recovery(table: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    specification = properties.get("PointInTimeRecoverySpecification")
    if specification and str(specification.get("PointInTimeRecoveryEnabled")).lower() == "true":
        dynamodb_backends[account_id][region_name].update_continuous_backups(
            table.name, {"PointInTimeRecoveryEnabled": True}
        )


def _patch() -> None:
    from moto.dynamodb.models.table import Table

    complete_create(Table, _MARK, _enable_recovery)
