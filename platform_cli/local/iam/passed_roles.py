"""The roles a request or a resource passes to a service, on each of which ``iam:PassRole`` is asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Keys naming a role handed to a service, at any depth (an API's ExecutionRoleArn, a rule's Targets[].RoleArn, a
# CloudFormation resource's Role).
PASSED_ROLE_KEYS = ("RoleArn", "Role", "ExecutionRoleArn", "RoleARN", "ExecutionRole", "ServiceRoleArn")


def passed_role_arns(value: Any) -> list[str]:
    """The role ARNs found under the passed-role keys of ``value`` (API parameters or resource properties)."""
    found: list[str] = []

    def walk(inner: Any) -> None:
        if isinstance(inner, Mapping):
            for key, item in inner.items():
                if key in PASSED_ROLE_KEYS and isinstance(item, str) and ":role/" in item:
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(inner, list):
            for item in inner:
                walk(item)

    walk(value)
    return found
