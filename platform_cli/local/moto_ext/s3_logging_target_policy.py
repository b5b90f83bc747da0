"""PutBucketLogging into a target bucket whose policy has a ``Principal: "*"`` statement (moto 5.2.5 gap).

moto checks that the target bucket's policy lets ``logging.s3.amazonaws.com`` write, but reads every statement's
Principal as a mapping; a statement with ``"Principal": "*"`` (any TLS-only or deny-all statement) raises
AttributeError and the request fails with HTTP 500.

The extension hands moto's check a view of the target bucket that holds only statements with a mapping Principal;
those are the only ones that can name the logging service, so the outcome of the check is unchanged.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any


def register() -> None:
    from moto.s3.models import FakeBucket

    original = FakeBucket._log_permissions_enabled_policy
    if getattr(original, "_platform_extension", False):
        return

    def check(target_bucket: Any, target_prefix: str | None) -> bool:
        policy = target_bucket.policy
        if policy:
            document = json.loads(policy.decode())
            statements = document.get("Statement", [])
            statements = statements if isinstance(statements, list) else [statements]
            kept = [s for s in statements if isinstance(s.get("Principal", {}), dict)]
            if len(kept) != len(statements):
                view = SimpleNamespace(
                    policy=json.dumps({**document, "Statement": kept}).encode(),
                    partition=target_bucket.partition,
                    name=target_bucket.name,
                )
                return bool(original(view, target_prefix))  # type: ignore[arg-type]
        return bool(original(target_bucket, target_prefix))

    check._platform_extension = True  # type: ignore[attr-defined]
    FakeBucket._log_permissions_enabled_policy = staticmethod(check)  # type: ignore[method-assign]
