"""Typed view of config.yaml: per-stage instances and autoscaling, data capture, smoke test."""

from __future__ import annotations

from dataclasses import dataclass, replace
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from deploy.errors import DeployError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
STAGES = ("preprod", "prod")


@dataclass(frozen=True)
class Autoscaling:
    min_capacity: int
    max_capacity: int
    target_invocations_per_instance: float
    scale_in_cooldown: int
    scale_out_cooldown: int


@dataclass(frozen=True)
class Stage:
    name: str
    instance_type: str
    initial_instance_count: int
    autoscaling: Autoscaling


@dataclass(frozen=True)
class Config:
    variant_name: str
    data_capture_enabled: bool
    sampling_percentage: int
    stages: dict[str, Stage]
    smoke_payload: Path
    smoke_content_type: str
    smoke_max_latency_ms: float

    def stage(self, name: str) -> Stage:
        if name not in self.stages:
            raise DeployError(f"stage {name!r} is not in config.yaml (stages: {', '.join(self.stages)})")
        return self.stages[name]


def _get(data: Any, dotted: str) -> Any:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise DeployError(f"config.yaml: missing field {dotted!r}")
        node = node[part]
    return node


def parse(data: dict[str, Any], root: Path = REPO_ROOT) -> Config:
    stages = {}
    for name in STAGES:
        scaling = _get(data, f"stages.{name}.autoscaling")
        autoscaling = Autoscaling(
            min_capacity=int(_get(scaling, "min_capacity")),
            max_capacity=int(_get(scaling, "max_capacity")),
            target_invocations_per_instance=float(_get(scaling, "target_invocations_per_instance")),
            scale_in_cooldown=int(_get(scaling, "scale_in_cooldown")),
            scale_out_cooldown=int(_get(scaling, "scale_out_cooldown")),
        )
        if not 1 <= autoscaling.min_capacity <= autoscaling.max_capacity:
            raise DeployError(f"config.yaml: stages.{name}.autoscaling needs 1 <= min_capacity <= max_capacity")
        stages[name] = Stage(
            name=name,
            instance_type=str(_get(data, f"stages.{name}.instance_type")),
            initial_instance_count=int(_get(data, f"stages.{name}.initial_instance_count")),
            autoscaling=autoscaling,
        )
    sampling = int(_get(data, "data_capture.sampling_percentage"))
    if not 0 <= sampling <= 100:
        raise DeployError("config.yaml: data_capture.sampling_percentage must lie in [0, 100]")
    return Config(
        variant_name=str(_get(data, "variant_name")),
        data_capture_enabled=bool(_get(data, "data_capture.enabled")),
        sampling_percentage=sampling,
        stages=stages,
        smoke_payload=root / str(_get(data, "smoke_test.payload")),
        smoke_content_type=str(_get(data, "smoke_test.content_type")),
        smoke_max_latency_ms=float(_get(data, "smoke_test.max_latency_ms")),
    )


def load(path: Path = DEFAULT_CONFIG, environ: Mapping[str, str] | None = None) -> Config:
    """config.yaml, with ENDPOINT_INSTANCE_TYPE (set by the platform from the project's Studio parameters) overriding it."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise DeployError(f"config file {path} not found: run from the repo root or pass --config") from exc
    config = parse(data, Path(path).resolve().parent)
    instance_type = (os.environ if environ is None else environ).get("ENDPOINT_INSTANCE_TYPE", "").strip()
    if not instance_type:
        return config
    stages = {name: replace(stage, instance_type=instance_type) for name, stage in config.stages.items()}
    return replace(config, stages=stages)
