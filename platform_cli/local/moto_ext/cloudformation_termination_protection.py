"""UpdateTerminationProtection: moto 5.2.5 does not implement it (HTTP 500), and its DeleteStack ignores the flag.

This adds the action on moto's CloudFormation request layer (it sets the stack's flag, which DescribeStacks
already reports) and makes DeleteStack refuse a protected stack with CloudFormation's ValidationError.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_termination_protection_registered"


def update_termination_protection(self: Any) -> Any:
    from moto.core.responses import ActionResult

    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


def register() -> None:
    after_import("moto.cloudformation.responses", _patch)


def _patch() -> None:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    if getattr(CloudFormationResponse, _MARK, False):
        return
    original_delete = CloudFormationBackend.delete_stack

    def delete_stack(self: Any, name_or_stack_id: str, *args: Any, **kwargs: Any) -> Any:
        for stack in self.stacks.values():
            if name_or_stack_id in (stack.name, stack.stack_id) and stack.enable_termination_protection:
                raise ValidationError(
                    stack.name,
                    message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled",
                )
        return original_delete(self, name_or_stack_id, *args, **kwargs)

    CloudFormationResponse.update_termination_protection = update_termination_protection  # type: ignore[attr-defined]
    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]
    setattr(CloudFormationResponse, _MARK, True)
