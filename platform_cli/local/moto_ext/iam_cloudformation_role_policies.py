"""``AWS::IAM::Role`` ``ManagedPolicyArns``: moto 5.2.5's CloudFormation creates the role without attaching them.

After moto's own create, this attaches each managed policy through moto's IAM backend (as AttachRolePolicy would),
so ``list-attached-role-policies`` shows what the template declares.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import complete_create

_MARK = "_mlops_role_policies_registered"


def register() -> None:
    after_import("moto.iam.models", _patch)


def _attach_managed_policies(role: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    backend = iam_backends[account_id][get_partition(region_name)]
    for policy_arn in properties.get("ManagedPolicyArns", []):
        backend.attach_role_policy(policy_arn, role.name)


def _patch() -> None:
    from moto.iam.models import Role

    complete_create(Role, _MARK, _attach_managed_policies)
