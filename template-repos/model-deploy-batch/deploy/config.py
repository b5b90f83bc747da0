"""Typed view of config.yaml: per-stage transform instances, scheduled transform locations, smoke test."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from deploy.errors import DeployError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.yaml"
STAGES = ("preprod", "prod")


@dataclass(frozen=True)
class Stage:
    name: str
    instance_type: str
    instance_count: int
    max_concurrent_transforms: int


@dataclass(frozen=True)
class Schedule:
    """When the scheduled transform runs: an EventBridge Scheduler cron in an IANA time zone."""

    expression: str
    timezone: str
    enabled: bool = True


# EventBridge Scheduler cron: cron(minutes hours day-of-month month day-of-week year); one of day-of-month and
# day-of-week is "?". Each field's characters as AWS documents them.
_CRON_FIELDS = (
    ("minutes", r"[0-9,\-*/]+"),
    ("hours", r"[0-9,\-*/]+"),
    ("day-of-month", r"[0-9,\-*/?LW]+"),
    ("month", r"[0-9A-Za-z,\-*/]+"),
    ("day-of-week", r"[0-9A-Za-z,\-*/?L#]+"),
    ("year", r"[0-9,\-*/]+"),
)


def parse_schedule(data: Any) -> Schedule:
    """`scheduled_transform.schedule` / `.timezone` / `.enabled`, validated as EventBridge Scheduler would."""
    expression = str(_get(data, "scheduled_transform.schedule")).strip()
    timezone = str(_get(data, "scheduled_transform.timezone")).strip()
    enabled = data["scheduled_transform"].get("enabled", True)
    if not isinstance(enabled, bool):
        raise DeployError("config.yaml: scheduled_transform.enabled must be true or false")
    match = re.fullmatch(r"cron\((.*)\)", expression)
    fields = match.group(1).split() if match else []
    if len(fields) != len(_CRON_FIELDS):
        raise DeployError(
            "config.yaml: scheduled_transform.schedule must be cron(minutes hours day-of-month month day-of-week "
            f"year), e.g. cron(0 2 * * ? *) (got {expression!r})"
        )
    for (name, allowed), value in zip(_CRON_FIELDS, fields, strict=True):
        if not re.fullmatch(allowed, value):
            raise DeployError(f"config.yaml: scheduled_transform.schedule: {value!r} is not a valid {name} field")
    if (fields[2] == "?") == (fields[4] == "?"):
        raise DeployError(
            "config.yaml: scheduled_transform.schedule: exactly one of day-of-month and day-of-week is '?'"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DeployError(
            f"config.yaml: scheduled_transform.timezone {timezone!r} is not an IANA time zone (e.g. Europe/London)"
        ) from exc
    return Schedule(expression=expression, timezone=timezone, enabled=enabled)


@dataclass(frozen=True)
class Config:
    stages: dict[str, Stage]
    input_prefix: str
    output_prefix: str
    smoke_payload: Path
    smoke_content_type: str
    smoke_timeout_minutes: float
    schedule: Schedule | None = None

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
        stage = Stage(
            name=name,
            instance_type=str(_get(data, f"stages.{name}.instance_type")),
            instance_count=int(_get(data, f"stages.{name}.instance_count")),
            max_concurrent_transforms=int(_get(data, f"stages.{name}.max_concurrent_transforms")),
        )
        if stage.instance_count < 1:
            raise DeployError(f"config.yaml: stages.{name}.instance_count must be at least 1")
        stages[name] = stage
    prefixes = [str(_get(data, f"scheduled_transform.{key}")) for key in ("input_prefix", "output_prefix")]
    if any(p.startswith("/") or not p.endswith("/") for p in prefixes):
        raise DeployError("config.yaml: scheduled_transform prefixes are bucket-relative and end with '/'")
    return Config(
        stages=stages,
        input_prefix=prefixes[0],
        output_prefix=prefixes[1],
        smoke_payload=root / str(_get(data, "smoke_test.payload")),
        smoke_content_type=str(_get(data, "smoke_test.content_type")),
        smoke_timeout_minutes=float(_get(data, "smoke_test.timeout_minutes")),
        schedule=parse_schedule(data),
    )


def load(path: Path = DEFAULT_CONFIG, environ: Mapping[str, str] | None = None) -> Config:
    """config.yaml, with TRANSFORM_INSTANCE_TYPE (set by the platform from the project's Studio parameters) overriding it."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise DeployError(f"config file {path} not found: run from the repo root or pass --config") from exc
    config = parse(data, Path(path).resolve().parent)
    instance_type = (os.environ if environ is None else environ).get("TRANSFORM_INSTANCE_TYPE", "").strip()
    if not instance_type:
        return config
    stages = {name: replace(stage, instance_type=instance_type) for name, stage in config.stages.items()}
    return replace(config, stages=stages)
