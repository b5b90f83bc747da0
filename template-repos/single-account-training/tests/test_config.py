from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines import config


def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(config.DEFAULT_CONFIG.read_text())
    return loaded


def test_the_shipped_config_loads() -> None:
    loaded = config.load()
    assert loaded.metric in config.METRICS
    assert loaded.approval_status == "PendingManualApproval"
    assert loaded.processing_instance_type.startswith("ml.")


def test_an_unknown_metric_is_refused_naming_the_field() -> None:
    data = _data()
    data["evaluation"]["metric"] = "rmse"
    with pytest.raises(config.ConfigError, match=r"evaluation\.metric"):
        config.parse(data)


def test_a_threshold_outside_zero_one_is_refused() -> None:
    data = _data()
    data["evaluation"]["threshold"] = 1.5
    with pytest.raises(config.ConfigError, match=r"evaluation\.threshold"):
        config.parse(data)


def test_a_missing_field_is_named() -> None:
    data = _data()
    del data["training"]["instance_type"]
    with pytest.raises(config.ConfigError, match=r"training\.instance_type"):
        config.parse(data)


def test_a_missing_file_says_where_to_run(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="not found"):
        config.load(tmp_path / "config.yaml")


def test_the_projects_training_instance_type_overrides_the_config() -> None:
    """TRAINING_INSTANCE_TYPE is the project's Studio parameter, set by the platform on this repository."""
    assert config.load(environ={"TRAINING_INSTANCE_TYPE": "ml.c5.2xlarge"}).training_instance_type == "ml.c5.2xlarge"
    assert config.load(environ={}).training_instance_type == _data()["training"]["instance_type"]
