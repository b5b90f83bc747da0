"""``AWS::IAM::Role`` ``ManagedPolicyArns``: moto 5.2.5's CloudFormation creates the role without attaching them.

After moto's own create, this attaches each managed policy through moto's IAM backend (as AttachRolePolicy would),
so ``list-attached-role-policies`` shows what the template declares.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_role_policies_registered"


def register() -> None:
    after_import("moto.iam.models", _patch)


def _patch() -> None:
    from moto.iam.models import Role, iam_backends
    from moto.utilities.utils import get_partition

    if getattr(Role, _MARK, False):
        return
    original_create = Role.create_from_cloudformation_json

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        role = original_create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = iam_backends[account_id][get_partition(region_name)]
        for policy_arn in cloudformation_json.get("Properties", {}).get("ManagedPolicyArns", []):
            backend.attach_role_policy(policy_arn, role.name)
        return role

    Role.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[assignment,method-assign]
    setattr(Role, _MARK, True)
