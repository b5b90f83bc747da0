from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy import config, run_local
from deploy.errors import DeployError


def test_the_shipped_config_covers_both_stages() -> None:
    loaded = config.load()
    assert set(loaded.stages) == {"preprod", "prod"}
    assert loaded.smoke_payload.is_file()


def test_a_prefix_must_be_bucket_relative() -> None:
    data: dict[str, Any] = yaml.safe_load(config.DEFAULT_CONFIG.read_text())
    data["scheduled_transform"]["input_prefix"] = "/abs/"
    with pytest.raises(DeployError, match="scheduled_transform"):
        config.parse(data)


def test_the_local_rehearsal_keeps_the_good_model_and_runs_the_schedule(
    tmp_path: Path, settings: config.Config
) -> None:
    report = run_local.rehearse(settings, tmp_path)
    outcomes = [(r["stage"], r["smoke_test"]["passed"], bool(r["rolled_back"])) for r in report["releases"]]
    assert outcomes == [("preprod", True, False), ("preprod", False, True), ("prod", True, False)]
    assert report["active_models"]["preprod"].startswith("churn-preprod-batch-v1-")
    assert report["scheduled_transform"]["records"] == 569
    assert json.loads((tmp_path / "report" / "metrics.json").read_text()) == report
    assert (tmp_path / "report" / "batch_scores.png").read_bytes().startswith(b"\x89PNG")


def test_the_projects_transform_instance_type_overrides_every_stage() -> None:
    """TRANSFORM_INSTANCE_TYPE is the project's Studio parameter, set by the platform on this repository."""
    loaded = config.load(environ={"TRANSFORM_INSTANCE_TYPE": "ml.c5.2xlarge"})
    assert {stage.instance_type for stage in loaded.stages.values()} == {"ml.c5.2xlarge"}
    assert config.load(environ={"TRANSFORM_INSTANCE_TYPE": ""}) == config.load(environ={})
