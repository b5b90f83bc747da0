"""STS AssumeRole's ``SourceIdentity``, which moto 5.2.5 drops.

SageMaker Studio, in a domain whose ``DomainSettings.ExecutionRoleIdentityConfig`` is ``USER_PROFILE_NAME``, takes
the user profile's execution role with the profile's name as the session's source identity; SageMaker then records
that user profile as the creator of what the session creates (``CreateProject`` → ``CreatedBy``). Here the value
is kept on moto's session (``source_identity``, read by ``sagemaker_project`` and :func:`source_identity_of`) and
returned in the answer, as AWS does. As on AWS it persists through role chaining and cannot be changed there: a
session that has one passes it on, and asking for another is refused. Whether the caller may set it at all
(``sts:SetSourceIdentity`` in the role's trust policy) is local IAM's decision (``platform_cli/local/iam/hook.py``).
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.responses import ActionResult
from moto.sts.exceptions import STSValidationError
from moto.sts.responses import TokenResponse

from platform_cli.local.moto_ext._support import add_action

# AWS's pattern for a source identity: 2-64 characters of letters, digits and =,.@-
_PATTERN = re.compile(r"[\w+=,.@-]{2,64}")
_moto_assume_role = TokenResponse.assume_role


def session_of(account: str, partition: str, access_key_id: str) -> Any:
    """moto's assumed-role session behind ``access_key_id`` in ``account`` (``None``: not a session's key)."""
    from moto.sts.models import sts_backends

    for session in sts_backends[account][partition].assumed_roles:
        if session.access_key_id == access_key_id:
            return session
    return None


def source_identity_of(session: Any) -> str | None:
    """The source identity an assumed-role session carries (``None`` when it was given none)."""
    value = getattr(session, "source_identity", None)
    return str(value) if value else None


def caller_key(response: Any) -> str:
    """The access key id a request is signed with (its Authorization header's credential scope)."""
    authorization = response.headers.get("Authorization", "")
    if "Credential=" in authorization:
        return str(authorization.split("Credential=", 1)[1].split("/", 1)[0])
    return ""


def _assume_role(self: Any) -> ActionResult:
    asked = self._get_param("SourceIdentity")
    if asked is not None and not _PATTERN.fullmatch(str(asked)):
        raise STSValidationError(
            f"1 validation error detected: Value '{asked}' at 'sourceIdentity' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )
    caller = session_of(self.current_account, self.partition, caller_key(self))
    inherited = source_identity_of(caller)
    if inherited and asked and asked != inherited:
        # AWS: the source identity set at the start of a role chain cannot be changed further down
        raise STSValidationError(f"SourceIdentity {asked} differs from the session's source identity {inherited}.")
    answer: ActionResult = _moto_assume_role(self)
    value = asked or inherited
    if value:
        result: dict[str, Any] = answer.result  # type: ignore[assignment]
        result["Credentials"].source_identity = value
        result["SourceIdentity"] = value
    return answer


def register() -> None:
    add_action(TokenResponse, "assume_role", _assume_role)
