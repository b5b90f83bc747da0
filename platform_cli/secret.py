"""One wrapper for secret values (GitHub tokens and keys, repository secrets): it never shows itself in
``repr``/``str``, so it cannot reach a log line, an exception or a CloudFormation reason by accident."""

from __future__ import annotations


class Secret:
    """A secret value; ``reveal()`` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
