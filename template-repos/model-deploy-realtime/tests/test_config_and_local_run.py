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


def test_autoscaling_bounds_are_checked_naming_the_stage() -> None:
    data: dict[str, Any] = yaml.safe_load(config.DEFAULT_CONFIG.read_text())
    data["stages"]["prod"]["autoscaling"]["min_capacity"] = 9
    with pytest.raises(DeployError, match=r"stages\.prod\.autoscaling"):
        config.parse(data)


def test_an_unknown_stage_is_refused(settings: config.Config) -> None:
    with pytest.raises(DeployError, match="stage 'qa'"):
        settings.stage("qa")


def test_the_local_rehearsal_rolls_back_the_bad_release_and_reports(tmp_path: Path, settings: config.Config) -> None:
    report = run_local.rehearse(settings, tmp_path)
    outcomes = [(r["stage"], r["smoke_test"]["passed"], bool(r["rolled_back"])) for r in report["releases"]]
    assert outcomes == [("preprod", True, False), ("preprod", False, True), ("prod", True, False)]
    assert report["preprod_serves_after_rollback"].startswith("churn-preprod-v1-")
    assert json.loads((tmp_path / "report" / "metrics.json").read_text()) == report
    assert (tmp_path / "report" / "smoke_latency.png").read_bytes().startswith(b"\x89PNG")


def test_the_projects_endpoint_instance_type_overrides_every_stage() -> None:
    """ENDPOINT_INSTANCE_TYPE is the project's Studio parameter, set by the platform on this repository."""
    loaded = config.load(environ={"ENDPOINT_INSTANCE_TYPE": "ml.c5.2xlarge"})
    assert {stage.instance_type for stage in loaded.stages.values()} == {"ml.c5.2xlarge"}
    assert config.load(environ={"ENDPOINT_INSTANCE_TYPE": ""}) == config.load(environ={})
