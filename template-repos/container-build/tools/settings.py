"""Typed view of `config.yaml`. Errors name the field to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")


class ConfigError(ValueError):
    """config.yaml is missing a field or holds a wrong value; the message names it."""


@dataclass(frozen=True)
class Settings:
    fail_on: tuple[str, ...]
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    validation_fraction: float = 0.2
    seed: int = 42


def _get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"config.yaml: missing field {dotted!r}")
        node = node[part]
    return node


def load(path: Path = DEFAULT_CONFIG) -> Settings:
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    fail_on = tuple(str(s).upper() for s in _get(data, "scan.fail_on"))
    unknown = [s for s in fail_on if s not in SEVERITIES]
    if unknown:
        raise ConfigError(f"config.yaml: scan.fail_on has {unknown[0]!r}; use some of {', '.join(SEVERITIES)}")
    settings = Settings(
        fail_on=fail_on,
        hyperparameters=dict(_get(data, "local_run.hyperparameters")),
        validation_fraction=float(_get(data, "local_run.validation_fraction")),
        seed=int(_get(data, "local_run.seed")),
    )
    if not 0 < settings.validation_fraction < 1:
        raise ConfigError("config.yaml: local_run.validation_fraction must lie in (0, 1)")
    return settings
