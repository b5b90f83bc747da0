"""Descriptions of security group rules that reference a group or a prefix list (moto 5.2.5 gap).

moto keeps a rule's description only when the rule has a CIDR range. A rule towards another security group
(``referenced_security_group_id``) or a prefix list (the S3 gateway endpoint's) comes back from
DescribeSecurityGroupRules without its description, so Terraform sees a change on every plan.

The extension remembers the description given with the group pair or the prefix list and returns it.
"""

from __future__ import annotations

import inspect
from typing import Any


def register() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    original_init = SecurityGroupRule.__init__
    if getattr(original_init, "_platform_extension", False):
        return
    signature = inspect.signature(original_init)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        source_group = bound.arguments.get("source_group") or {}
        prefix_list = bound.arguments.get("prefix_list_id") or {}
        self._platform_description = source_group.get("Description") or prefix_list.get("Description")

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or getattr(self, "_platform_description", None)

    init._platform_extension = True  # type: ignore[attr-defined]
    SecurityGroupRule.__init__ = init  # type: ignore[method-assign]
    SecurityGroupRule.description = property(description)  # type: ignore[assignment,method-assign]
