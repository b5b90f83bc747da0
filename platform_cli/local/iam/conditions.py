"""IAM condition operators over a request context (the subset of operators the platform's policies use, and their
``IfExists`` / ``ForAnyValue:`` / ``ForAllValues:`` forms)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from platform_cli.local.iam.exceptions import UnsupportedConditionError

ContextValue = str | list[str]
Context = Mapping[str, ContextValue]


@lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's ``*`` / ``?`` matching (no character classes: ``[`` is literal)."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


def _arn_like(pattern: str, value: str) -> bool:
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(wildcard_match(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def check(expected: str, actual: str) -> bool:
        try:
            return compare(float(actual), float(expected))
        except ValueError:
            return False

    return check


_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "stringequals": lambda expected, actual: expected == actual,
    "stringequalsignorecase": lambda expected, actual: expected.lower() == actual.lower(),
    "stringlike": lambda expected, actual: wildcard_match(expected, actual),
    "arnequals": lambda expected, actual: expected == actual,
    "arnlike": _arn_like,
    "bool": lambda expected, actual: expected.lower() == actual.lower(),
    "numericequals": _numeric(lambda a, e: a == e),
    "numericlessthan": _numeric(lambda a, e: a < e),
    "numericlessthanequals": _numeric(lambda a, e: a <= e),
    "numericgreaterthan": _numeric(lambda a, e: a > e),
    "numericgreaterthanequals": _numeric(lambda a, e: a >= e),
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]
    return [str(value).lower() if isinstance(value, bool) else str(value)]


def _lookup(context: Context, key: str) -> list[str] | None:
    lowered = key.lower()
    for name, value in context.items():
        if name.lower() == lowered:
            return list(value) if isinstance(value, list) else [value]
    return None


def operator_matches(operator: str, key: str, expected: Any, context: Context) -> bool:
    """Whether one ``{operator: {key: expected}}`` entry holds for ``context``."""
    name = operator
    set_mode = ""
    if ":" in name:
        set_mode, name = name.split(":", 1)
        set_mode = set_mode.lower()
    lowered = name.lower()
    if_exists = lowered.endswith("ifexists")
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    expected_values = _as_list(expected)
    actual = _lookup(context, key)
    if lowered == "null":
        return (actual is None) == (expected_values[0].lower() == "true")
    if actual is None:
        if set_mode == "forallvalues":
            return True
        return if_exists or lowered in _NEGATED
    negated = lowered in _NEGATED
    check = _POSITIVE.get(_NEGATED.get(lowered, lowered))
    if check is None:
        raise UnsupportedConditionError(f"condition operator {operator} is not supported by the local evaluator")

    def one(value: str) -> bool:
        hit = any(check(e, value) for e in expected_values)
        return not hit if negated else hit

    if set_mode == "forallvalues":
        return all(one(v) for v in actual)
    return any(one(v) for v in actual) if not negated or set_mode == "foranyvalue" else all(one(v) for v in actual)


def conditions_hold(condition: Mapping[str, Mapping[str, Any]] | None, context: Context) -> bool:
    """Whether every operator/key of a statement's ``Condition`` block holds (AND across keys, OR across values)."""
    if not condition:
        return True
    return all(
        operator_matches(operator, key, expected, context)
        for operator, entries in condition.items()
        for key, expected in entries.items()
    )


def keys_of(condition: Mapping[str, Mapping[str, Any]] | None) -> Sequence[str]:
    """The context keys a ``Condition`` block reads."""
    return [key for entries in (condition or {}).values() for key in entries]
