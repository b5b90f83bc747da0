"""A small IAM evaluator for the rendered bootstrap policies: explicit deny wins; otherwise the identity policies
must allow AND the permissions boundary must allow. Enough of IAM's matching for these documents (wildcards in
actions and resources, NotAction/NotResource, String*/Arn*/Bool/Null conditions with IfExists and
ForAnyValue/ForAllValues), nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

Context = dict[str, str]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches_action(patterns: Any, action: str) -> bool:
    return any(fnmatchcase(action.lower(), str(pattern).lower()) for pattern in _as_list(patterns))


def _matches_resource(patterns: Any, resource: str) -> bool:
    return any(fnmatchcase(resource, str(pattern)) for pattern in _as_list(patterns))


def _condition_holds(operator: str, key: str, expected: Any, context: Context) -> bool:
    if operator == "Null":
        # Null: true means "the key is absent", false "the key is present".
        return (key not in context) == (str(_as_list(expected)[0]).lower() == "true")
    for qualifier in ("ForAnyValue:", "ForAllValues:"):
        if operator.startswith(qualifier):
            # A multi-valued key is given as a comma-separated context value.
            if key not in context:
                return qualifier == "ForAllValues:"
            members = context[key].split(",")
            checks = [_condition_holds(operator.removeprefix(qualifier), key, expected, {key: m}) for m in members]
            return any(checks) if qualifier == "ForAnyValue:" else all(checks)
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if key not in context:
        # A missing key satisfies only the ...IfExists and negated operators (IAM's behaviour).
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    actual = context[key]
    values = [str(value) for value in _as_list(expected)]
    if base == "StringEquals":
        return actual in values
    if base == "StringNotEquals":
        return actual not in values
    if base in ("StringLike", "ArnLike", "ArnEquals"):
        return any(fnmatchcase(actual, value) for value in values)
    if base in ("StringNotLike", "ArnNotLike", "ArnNotEquals"):
        return not any(fnmatchcase(actual, value) for value in values)
    if base == "Bool":
        return actual.lower() in [value.lower() for value in values]
    raise NotImplementedError(operator)


def statement_applies(statement: dict[str, Any], action: str, resource: str, context: Context) -> bool:
    if "Action" in statement and not _matches_action(statement["Action"], action):
        return False
    if "NotAction" in statement and _matches_action(statement["NotAction"], action):
        return False
    if "Resource" in statement and not _matches_resource(statement["Resource"], resource):
        return False
    if "NotResource" in statement and _matches_resource(statement["NotResource"], resource):
        return False
    for operator, pairs in statement.get("Condition", {}).items():
        for key, expected in pairs.items():
            if not _condition_holds(operator, key, expected, context):
                return False
    return True


def _effects(policies: Iterable[dict[str, Any]], action: str, resource: str, context: Context) -> set[str]:
    return {
        statement["Effect"]
        for policy in policies
        for statement in _as_list(policy["Statement"])
        if statement_applies(statement, action, resource, context)
    }


def is_allowed(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    action: str,
    resource: str = "*",
    context: Context | None = None,
) -> bool:
    context = context or {}
    identity_effects = _effects(identity, action, resource, context)
    if "Deny" in identity_effects or "Allow" not in identity_effects:
        return False
    if boundary is None:
        return True
    boundary_effects = _effects([boundary], action, resource, context)
    return "Deny" not in boundary_effects and "Allow" in boundary_effects


def _principal_matches(principal: Any, principal_arn: str) -> bool:
    """``Principal`` names ``principal_arn``: ``*``, the ARN itself, or its account (``arn:…:root`` or the id)."""
    if principal == "*":
        return True
    account = principal_arn.split(":")[4]
    names = _as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []
    return any(str(name) in (principal_arn, account, f"arn:aws:iam::{account}:root", "*") for name in names)


def resource_policy_allows(
    policy: dict[str, Any], principal_arn: str, action: str, resource: str, context: Context | None = None
) -> bool:
    """A resource policy (bucket, model package group, key) allows ``principal_arn`` and denies nothing; the
    caller's ``aws:PrincipalArn`` is put into the context. Cross-account access also needs the identity side."""
    context = {"aws:PrincipalArn": principal_arn, **(context or {})}
    effects = {
        statement["Effect"]
        for statement in _as_list(policy["Statement"])
        if _principal_matches(statement.get("Principal"), principal_arn)
        and statement_applies(statement, action, resource, context)
    }
    return "Allow" in effects and "Deny" not in effects
