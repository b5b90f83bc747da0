"""CreateChangeSet with nothing to change: moto 5.2.5 refuses the call (``No updates are to be performed``).

CloudFormation accepts it and creates a change set with status FAILED and the reason "The submitted information
didn't contain changes", which is what ``aws cloudformation deploy --no-fail-on-empty-changeset`` looks for to
exit 0. moto's backend already produces exactly that change set; only its request layer's UpdateStack check stops
the call first. This skips that check for CreateChangeSet, and keeps it for UpdateStack.
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_empty_change_set_registered"


def register() -> None:
    after_import("moto.cloudformation.responses", _patch)


def _patch() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    if getattr(CloudFormationResponse, _MARK, False):
        return
    original = CloudFormationResponse._validate_different_update

    def _validate_different_update(self: Any, *args: Any, **kwargs: Any) -> None:
        if self._get_action() == "CreateChangeSet":
            return
        original(self, *args, **kwargs)

    CloudFormationResponse._validate_different_update = _validate_different_update  # type: ignore[method-assign]
    setattr(CloudFormationResponse, _MARK, True)
