"""S3 bucket policies whose statements carry a Condition (moto 5.2.5 gap).

moto evaluates bucket policies without any request context, and a statement whose Condition it cannot satisfy
comes back DENIED instead of not applying. A TLS-only statement (``Deny`` when ``aws:SecureTransport`` is
``false``, the platform's default on every bucket) therefore denies every object request, TLS or not.

The extension evaluates each statement on its own and lets a statement with a Condition abstain: the local server
has no request context to decide it (and it is served over TLS, so the platform's TLS-only denial would not apply
anyway). Statements without a Condition keep moto's own evaluation.
"""

from __future__ import annotations

import json
from typing import Any


def _statements(policy: bytes) -> list[dict[str, Any]]:
    document = json.loads(policy.decode())
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def register() -> None:
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    from platform_cli.local.iam import mode as iam_mode

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None or iam_mode.current() == "strict":
            # Strict: the IAM evaluator (platform_cli/local/iam) decides bucket policies, conditions included,
            # and answers with AWS's message; moto's own check would refuse first with an empty 403.
            return PermissionResult.NEUTRAL
        result = PermissionResult.NEUTRAL
        for statement in _statements(self.policy):
            if statement.get("Condition"):
                continue
            decision = IAMPolicyStatement(statement).is_action_permitted(action, resource)
            if decision == PermissionResult.DENIED:
                return PermissionResult.DENIED
            if decision == PermissionResult.PERMITTED:
                result = PermissionResult.PERMITTED
        return result

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
