"""IAM's size quotas on a role, which moto 5.2.5 does not enforce: a role's trust policy may hold at most
``ACLSizePerRole`` characters (2,048 by default, 4,096 at most after a quota increase) and its inline policies
together at most 10,240 (``RolePolicySize``, not adjustable); IAM counts characters without white space. Beyond
them AWS answers ``LimitExceeded`` ("Cannot exceed quota for ACLSizePerRole: 2048", "Maximum policy size of 10240
bytes exceeded for role <name>").

The platform grows both with every project (a trust statement per project on the shared OIDC roles, a
``Project<id>`` bucket grant on the build role), so without these quotas the rehearsal admitted any number of
projects where an AWS account stops at a few. The trust quota is the account's (``TRUST_POLICY_QUOTA_VARIABLE``;
AWS's default when unset): the rehearsal's accounts are given the raised 4,096 that ``docs/first-hour.md`` asks an
admin to request.
"""

from __future__ import annotations

import json
import os
from typing import Any

TRUST_POLICY_QUOTA_VARIABLE = "MLOPS_LOCAL_IAM_TRUST_POLICY_QUOTA"
DEFAULT_TRUST_POLICY_QUOTA = 2048  # AWS's default ACLSizePerRole
ROLE_POLICY_SIZE = 10240  # RolePolicySize: all inline policies of a role, together


def size(document: Any) -> int:
    """A policy's size as IAM counts it against its quotas: characters, white space outside strings not counted."""
    text = document if isinstance(document, str) else json.dumps(document)
    try:
        return len(json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False))
    except ValueError:
        return len("".join(text.split()))  # not JSON: moto's own validation answers it


def trust_policy_quota() -> int:
    value = os.environ.get(TRUST_POLICY_QUOTA_VARIABLE, "")
    return int(value) if value.isdigit() else DEFAULT_TRUST_POLICY_QUOTA


def _check_trust(document: str) -> None:
    from moto.iam.exceptions import LimitExceededException

    quota = trust_policy_quota()
    if size(document) > quota:
        raise LimitExceededException(f"Cannot exceed quota for ACLSizePerRole: {quota}")


def register() -> None:
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.models import IAMBackend

    original_create = IAMBackend.create_role
    if getattr(original_create, "_platform_extension", False):
        return
    original_update = IAMBackend.update_assume_role_policy
    original_put = IAMBackend.put_role_policy

    def create_role(self: Any, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any) -> Any:
        _check_trust(assume_role_policy_document)
        return original_create(self, role_name, assume_role_policy_document, *args, **kwargs)

    def update_assume_role_policy(self: Any, role_name: str, policy_document: str) -> None:
        _check_trust(policy_document)
        original_update(self, role_name, policy_document)

    def put_role_policy(self: Any, role_name: str, policy_name: str, policy_json: str) -> None:
        role = self.get_role(role_name)
        others = sum(size(text) for name, text in role.policies.items() if name != policy_name)
        if others + size(policy_json) > ROLE_POLICY_SIZE:
            raise LimitExceededException(
                f"Maximum policy size of {ROLE_POLICY_SIZE} bytes exceeded for role {role_name}"
            )
        original_put(self, role_name, policy_name, policy_json)

    create_role._platform_extension = True  # type: ignore[attr-defined]
    IAMBackend.create_role = create_role  # type: ignore[method-assign]
    IAMBackend.update_assume_role_policy = update_assume_role_policy  # type: ignore[method-assign]
    IAMBackend.put_role_policy = put_role_policy  # type: ignore[method-assign]
