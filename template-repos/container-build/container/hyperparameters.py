"""The training job's hyperparameters: SageMaker writes them as a JSON object whose values are all strings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class HyperparameterError(ValueError):
    """A hyperparameter is unknown or has a wrong value; the message names it."""


@dataclass(frozen=True)
class Hyperparameters:
    max_iter: int = 200
    learning_rate: float = 0.1
    max_depth: int = 3


_FIELDS = {"max-iter": ("max_iter", int), "learning-rate": ("learning_rate", float), "max-depth": ("max_depth", int)}


def parse(raw: dict[str, Any]) -> Hyperparameters:
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name.startswith(("sagemaker_", "_")):  # SageMaker's own entries (e.g. _tuning_objective_metric)
            continue
        if name not in _FIELDS:
            raise HyperparameterError(f"unknown hyperparameter {name!r}; known: {', '.join(sorted(_FIELDS))}")
        field, kind = _FIELDS[name]
        try:
            values[field] = kind(value)
        except (TypeError, ValueError):
            raise HyperparameterError(f"hyperparameter {name!r} must be a {kind.__name__} (got {value!r})") from None
    parsed = Hyperparameters(**values)
    if parsed.max_iter < 1 or parsed.max_depth < 1 or not 0 < parsed.learning_rate <= 1:
        raise HyperparameterError("max-iter and max-depth must be >= 1 and learning-rate in (0, 1]")
    return parsed


def load(path: Path) -> Hyperparameters:
    """The defaults when SageMaker passed none (no file); the file's values otherwise."""
    if not path.exists():
        return Hyperparameters()
    raw = json.loads(path.read_text())
    if not isinstance(raw, dict):
        raise HyperparameterError(f"{path}: expected a JSON object")
    return parse(raw)
