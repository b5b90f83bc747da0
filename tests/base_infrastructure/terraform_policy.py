"""Policy documents of the Terraform, rendered for fixed values so ``tests/bootstrap/policy_eval.py`` can judge
them: python-hcl2 reads a ``jsonencode({...})`` policy as text; the interpolations named in ``values`` are
replaced and the statements read back as Python literals. Statements with other interpolations are kept with
their ``${...}`` text (they match nothing)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import hcl2

_INTERPOLATION = re.compile(r"\$\{((?:var|local)\.[A-Za-z0-9_.]+)\}")
_WHOLE = re.compile(r"'\$\{((?:var|local)\.[A-Za-z0-9_.]+)\}'")


def resource(path: Path, kind: str, name: str) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    for block in document.get("resource", []):
        if kind in block and name in block[kind]:
            return dict(block[kind][name])
    raise KeyError(f"{kind}.{name} not in {path}")


def policy_statements(path: Path, kind: str, name: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The literal statements of ``kind.name``'s ``policy`` (those after ``concat(local.common, [``, or the list
    given as ``Statement``), with ``values`` substituted for ``${var.x}``/``${local.x}`` (a list value replaces
    an attribute that is exactly that reference)."""
    text = resource(path, kind, name)["policy"]
    text = text[0] if isinstance(text, list) else text
    start = text.index("[", text.index("Statement"))
    depth = 0
    for end in range(start, len(text)):
        depth += {"[": 1, "]": -1}.get(text[end], 0)
        if depth == 0:
            break
    literal = _WHOLE.sub(
        lambda m: repr(values[m.group(1)]) if isinstance(values.get(m.group(1)), list) else m.group(0),
        text[start : end + 1],
    )
    literal = _INTERPOLATION.sub(lambda m: str(values.get(m.group(1), m.group(0))), literal)
    return list(ast.literal_eval(literal))
