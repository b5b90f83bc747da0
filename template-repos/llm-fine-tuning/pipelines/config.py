"""Typed view of config.yaml. Errors name the field to fix."""

from __future__ import annotations

from dataclasses import dataclass, replace
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
APPROVAL_STATUSES = ("PendingManualApproval", "Approved", "Rejected")


class ConfigError(ValueError):
    """config.yaml is missing a field or holds a wrong value; the message names it."""


@dataclass(frozen=True)
class Config:
    base_model: str
    local_base_model: str
    local_epochs: int
    local_batch_size: int
    local_learning_rate: float
    dataset: str
    eval_fraction: float
    seed: int
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    target_modules: tuple[str, ...]
    training_instance_type: str
    epochs: int
    learning_rate: float
    batch_size: int
    max_length: int
    processing_instance_type: str
    evaluation_instance_type: str
    metric: str
    min_relative_improvement: float
    approval_status: str
    inference_instance_types: tuple[str, ...]
    transformers_version: str
    pytorch_version: str
    py_version: str

    def hyperparameters(self, base_model: str | None = None) -> dict[str, str]:
        return {
            "base-model": base_model or self.base_model,
            "lora-r": str(self.lora_r),
            "lora-alpha": str(self.lora_alpha),
            "lora-dropout": str(self.lora_dropout),
            "target-modules": ",".join(self.target_modules),
            "epochs": str(self.epochs),
            "learning-rate": str(self.learning_rate),
            "batch-size": str(self.batch_size),
            "max-length": str(self.max_length),
        }


def _get(data: Any, dotted: str) -> Any:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"config.yaml: missing field {dotted!r}")
        node = node[part]
    return node


def parse(data: dict[str, Any]) -> Config:
    config = Config(
        base_model=str(_get(data, "base_model")),
        local_base_model=str(_get(data, "local.base_model")),
        local_epochs=int(_get(data, "local.epochs")),
        local_batch_size=int(_get(data, "local.batch_size")),
        local_learning_rate=float(_get(data, "local.learning_rate")),
        dataset=str(_get(data, "dataset")),
        eval_fraction=float(_get(data, "eval_fraction")),
        seed=int(_get(data, "seed")),
        lora_r=int(_get(data, "lora.r")),
        lora_alpha=int(_get(data, "lora.alpha")),
        lora_dropout=float(_get(data, "lora.dropout")),
        target_modules=tuple(_get(data, "lora.target_modules")),
        training_instance_type=str(_get(data, "training.instance_type")),
        epochs=int(_get(data, "training.epochs")),
        learning_rate=float(_get(data, "training.learning_rate")),
        batch_size=int(_get(data, "training.batch_size")),
        max_length=int(_get(data, "training.max_length")),
        processing_instance_type=str(_get(data, "processing.instance_type")),
        evaluation_instance_type=str(_get(data, "processing.evaluation_instance_type")),
        metric=str(_get(data, "evaluation.metric")),
        min_relative_improvement=float(_get(data, "evaluation.min_relative_improvement")),
        approval_status=str(_get(data, "registration.approval_status")),
        inference_instance_types=tuple(_get(data, "registration.inference_instance_types")),
        transformers_version=str(_get(data, "registration.transformers_version")),
        pytorch_version=str(_get(data, "registration.pytorch_version")),
        py_version=str(_get(data, "registration.py_version")),
    )
    if config.metric != "perplexity":
        raise ConfigError("config.yaml: evaluation.metric must be perplexity (the metric evaluate.py declares)")
    if not 0 <= config.min_relative_improvement < 1:
        raise ConfigError("config.yaml: evaluation.min_relative_improvement must lie in [0, 1)")
    if config.lora_r < 1 or not config.target_modules:
        raise ConfigError("config.yaml: lora.r must be >= 1 and lora.target_modules non-empty")
    if config.approval_status not in APPROVAL_STATUSES:
        raise ConfigError(f"config.yaml: registration.approval_status must be one of {', '.join(APPROVAL_STATUSES)}")
    return config


def load(path: Path = DEFAULT_CONFIG, environ: Mapping[str, str] | None = None) -> Config:
    """config.yaml, with BASE_MODEL_ID and TRAINING_INSTANCE_TYPE (set by the platform from the project's Studio parameters) overriding it."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found: run from the repo root or pass --config") from exc
    config = parse(data)
    env = os.environ if environ is None else environ
    overrides = {
        field_name: env.get(variable, "").strip()
        for field_name, variable in (("base_model", "BASE_MODEL_ID"), ("training_instance_type", "TRAINING_INSTANCE_TYPE"))
    }
    return replace(config, **{name: value for name, value in overrides.items() if value})
