"""How ``--help`` shows options: an on/off flag shows no value type.

Typer's rich help (0.29) prints ``<bool>`` in the type column of every flag (``--yes``, ``--dry-run``, even
``--help``), which reads as if the flag took a value. Flags take none; their type column stays empty, as in
click's plain help.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperOption

_PATCHED = "_mlops_flags_without_type"


def show_flags_without_type() -> None:
    """Make every flag's type column empty in rich help (idempotent)."""
    if getattr(TyperOption, _PATCHED, False):
        return
    original = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if self.is_flag and self.metavar is None:
            return None
        return original(self, ctx)

    setattr(TyperOption, "display_type_rich", display_type_rich)  # noqa: B010 - a method replaced on purpose
    setattr(TyperOption, _PATCHED, True)
