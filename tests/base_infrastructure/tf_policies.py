"""Policy documents of the base-infrastructure Terraform, read with python-hcl2 and rendered by substituting the
few ``${local.*}`` / ``${var.*}`` references they use with test values — enough to evaluate them with
``tests.bootstrap.policy_eval`` without running Terraform."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2

from tests.base_infrastructure.harness import TERRAFORM_SRC

PARTITION, REGION, ACCOUNT = "aws", "eu-west-1", "111111111111"
_REFERENCE = re.compile(r"\$\{([^}]+)\}")


def module_locals(module: str, filename: str = "main.tf") -> dict[str, Any]:
    """Every ``locals`` entry of one file of a module, unevaluated (hcl2's JSON shape)."""
    data: dict[str, Any] = hcl2.loads((TERRAFORM_SRC / "modules" / module / filename).read_text())
    merged: dict[str, Any] = {}
    for block in data.get("locals", []):
        merged.update(block)
    return merged


def render(value: Any, values: dict[str, str]) -> Any:
    """Substitute ``${name}`` references from ``values``; any other reference becomes an ARN that matches nothing."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            return values.get(name, f"arn:unresolved:{name}")

        return _REFERENCE.sub(substitute, value)
    if isinstance(value, list):
        return [render(item, values) for item in value]
    if isinstance(value, dict):
        return {key: render(item, values) for key, item in value.items()}
    return value


def statements(raw: Any, values: dict[str, str]) -> list[dict[str, Any]]:
    """A list of statements as hcl2 returns it (sometimes wrapped once more in a list), rendered."""
    rendered = render(raw, values)
    if len(rendered) == 1 and isinstance(rendered[0], list):
        rendered = rendered[0]
    return [s for s in rendered if isinstance(s, dict)]


def terraform_file(module: str, filename: str = "main.tf") -> Path:
    return TERRAFORM_SRC / "modules" / module / filename
