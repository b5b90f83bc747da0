"""Typed view of config.yaml. Errors name the field to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
METRICS = ("auc", "accuracy", "f1")


class ConfigError(ValueError):
    """config.yaml is missing a field or holds a wrong value; the message names it."""


@dataclass(frozen=True)
class Config:
    input_data: str
    scoring_data: str
    label_column: str
    validation_fraction: float
    test_fraction: float
    seed: int
    processing_instance_type: str
    sklearn_framework_version: str
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metric: str = "auc"
    threshold: float = 0.9
    schedule_expression: str = ""
    schedule_stages: tuple[str, ...] = ()


def _get(data: Any, dotted: str) -> Any:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"config.yaml: missing field {dotted!r}")
        node = node[part]
    return node


def parse(data: dict[str, Any]) -> Config:
    config = Config(
        input_data=str(_get(data, "input_data")),
        scoring_data=str(_get(data, "scoring_data")),
        label_column=str(_get(data, "label_column")),
        validation_fraction=float(_get(data, "split.validation_fraction")),
        test_fraction=float(_get(data, "split.test_fraction")),
        seed=int(_get(data, "split.seed")),
        processing_instance_type=str(_get(data, "processing.instance_type")),
        sklearn_framework_version=str(_get(data, "processing.sklearn_framework_version")),
        hyperparameters=dict(_get(data, "training.hyperparameters")),
        metric=str(_get(data, "evaluation.metric")),
        threshold=float(_get(data, "evaluation.threshold")),
        schedule_expression=str(_get(data, "schedule.expression")),
        schedule_stages=tuple(_get(data, "schedule.stages")),
    )
    if config.metric not in METRICS:
        raise ConfigError(f"config.yaml: evaluation.metric must be one of {', '.join(METRICS)} (got {config.metric!r})")
    if not 0.0 <= config.threshold <= 1.0:
        raise ConfigError(f"config.yaml: evaluation.threshold must lie in [0, 1] (got {config.threshold})")
    if not config.schedule_expression.startswith(("cron(", "rate(")):
        raise ConfigError("config.yaml: schedule.expression must be an EventBridge cron(...) or rate(...) expression")
    if not set(config.schedule_stages) <= {"preprod", "prod"}:
        raise ConfigError("config.yaml: schedule.stages may hold preprod and prod only")
    return config


def load(path: Path = DEFAULT_CONFIG) -> Config:
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found: run from the repo root or pass --config") from exc
    return parse(data)
