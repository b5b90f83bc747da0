"""Stack Outputs after a change set: moto 5.2.5 computes them when the stack is first created from the change set
(before any resource exists) and never again, so ``aws cloudformation deploy`` leaves a stack without Outputs.

After moto's own ExecuteChangeSet, this recomputes the executed stack's output map from its resources, as
CloudFormation does when an execution completes.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_change_set_outputs_registered"


def register() -> None:
    after_import("moto.cloudformation.models", _patch)


def _patch() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    if getattr(CloudFormationBackend, _MARK, False):
        return
    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> Any:
        result = original(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            (cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name), None
        )
        if change_set is not None and change_set.stack_id in self.stacks:
            stack = self.stacks[change_set.stack_id]
            stack._parse_template()  # the template of the executed change set
            stack.output_map = stack._create_output_map()
        return result

    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]
    setattr(CloudFormationBackend, _MARK, True)
