"""Typed view of `config.yaml`: thresholds, instance types, hyperparameters. Errors name the field to fix."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
METRICS = ("auc", "accuracy", "f1")
APPROVAL_STATUSES = ("PendingManualApproval", "Approved", "Rejected")
CONTAINER_IMAGES = ("auto", "builtin", "byoc")


class ConfigError(ValueError):
    """config.yaml is missing a field or holds a wrong value; the message names it."""


@dataclass(frozen=True)
class Config:
    input_data: str
    label_column: str
    validation_fraction: float
    test_fraction: float
    seed: int
    processing_instance_type: str
    processing_instance_count: int
    sklearn_framework_version: str
    training_instance_type: str
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metric: str = "auc"
    threshold: float = 0.9
    approval_status: str = "PendingManualApproval"
    inference_instance_types: list[str] = field(default_factory=list)
    transform_instance_types: list[str] = field(default_factory=list)
    container_image: str = "auto"
    container_tag: str = "newest"
    inference_pipeline: bool = False


def _get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"config.yaml: missing field {dotted!r}")
        node = node[part]
    return node


def _flag(data: dict[str, Any], dotted: str) -> bool:
    """An optional on/off switch (absent: off); anything but true/false is refused, not guessed."""
    value = _get(data, dotted) if dotted.split(".")[0] in data else False
    if not isinstance(value, bool):
        raise ConfigError(f"config.yaml: {dotted} must be true or false (got {value!r})")
    return value


def parse(data: dict[str, Any]) -> Config:
    config = Config(
        input_data=str(_get(data, "input_data")),
        label_column=str(_get(data, "label_column")),
        validation_fraction=float(_get(data, "split.validation_fraction")),
        test_fraction=float(_get(data, "split.test_fraction")),
        seed=int(_get(data, "split.seed")),
        processing_instance_type=str(_get(data, "processing.instance_type")),
        processing_instance_count=int(_get(data, "processing.instance_count")),
        sklearn_framework_version=str(_get(data, "processing.sklearn_framework_version")),
        training_instance_type=str(_get(data, "training.instance_type")),
        hyperparameters=dict(_get(data, "training.hyperparameters")),
        metric=str(_get(data, "evaluation.metric")),
        threshold=float(_get(data, "evaluation.threshold")),
        approval_status=str(_get(data, "registration.approval_status")),
        inference_instance_types=list(_get(data, "registration.inference_instance_types")),
        transform_instance_types=list(_get(data, "registration.transform_instance_types")),
        container_image=str(_get(data, "container.image")),
        container_tag=str(_get(data, "container.tag")),
        inference_pipeline=_flag(data, "inference_pipeline.enabled"),
    )
    if config.container_image not in CONTAINER_IMAGES:
        raise ConfigError(f"config.yaml: container.image must be one of {', '.join(CONTAINER_IMAGES)}")
    if config.metric not in METRICS:
        raise ConfigError(f"config.yaml: evaluation.metric must be one of {', '.join(METRICS)} (got {config.metric!r})")
    if not 0.0 <= config.threshold <= 1.0:
        raise ConfigError(f"config.yaml: evaluation.threshold must lie in [0, 1] (got {config.threshold})")
    if config.approval_status not in APPROVAL_STATUSES:
        raise ConfigError(
            f"config.yaml: registration.approval_status must be one of {', '.join(APPROVAL_STATUSES)}"
            f" (got {config.approval_status!r})"
        )
    if not 0 < config.validation_fraction + config.test_fraction < 1:
        raise ConfigError("config.yaml: split.validation_fraction + split.test_fraction must lie in (0, 1)")
    return config


def load(path: Path = DEFAULT_CONFIG, environ: Mapping[str, str] | None = None) -> Config:
    """config.yaml, with TRAINING_INSTANCE_TYPE (set by the platform from the project's Studio parameters) overriding it."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found: run from the repo root or pass --config") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    config = parse(data)
    instance_type = (os.environ if environ is None else environ).get("TRAINING_INSTANCE_TYPE", "").strip()
    return replace(config, training_instance_type=instance_type) if instance_type else config
