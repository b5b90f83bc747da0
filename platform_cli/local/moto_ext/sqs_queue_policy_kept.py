"""SetQueueAttributes without ``Policy`` erased a queue's policy (moto 5.2.5 resets it from every attribute set), so
changing any other attribute of a queue — a retention period, a KMS key — silently dropped the permissions its policy
granted (EventBridge's dead letters, for one). On AWS only the attributes named change; the policy is kept unless
``Policy`` is given (an empty string removes it).
"""

from __future__ import annotations

from typing import Any


def register() -> None:
    from moto.sqs.models import Queue

    original = Queue._set_attributes
    if getattr(original, "_platform_extension", False):
        return

    def set_attributes(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
        kept = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = kept
        elif not attributes["Policy"]:
            self.policy = None

    set_attributes._platform_extension = True  # type: ignore[attr-defined]
    Queue._set_attributes = set_attributes  # type: ignore[method-assign]
