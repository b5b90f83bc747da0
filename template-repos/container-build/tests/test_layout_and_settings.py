"""The /opt/ml root and the hyperparameters: defaults, the override, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from container import hyperparameters
from container.layout import Layout
from tools import settings


def test_the_root_is_opt_ml_unless_opt_ml_root_moves_it(tmp_path: Path) -> None:
    assert Layout.from_env({}).model_dir == Path("/opt/ml/model")
    moved = Layout.from_env({"OPT_ML_ROOT": str(tmp_path)})
    assert moved.channel("train") == tmp_path / "input" / "data" / "train"
    assert moved.hyperparameters == tmp_path / "input" / "config" / "hyperparameters.json"
    assert moved.failure == tmp_path / "output" / "failure"


def test_hyperparameters_arrive_as_strings_and_are_typed() -> None:
    parsed = hyperparameters.parse({"max-iter": "50", "learning-rate": "0.05", "max-depth": "4"})
    assert parsed == hyperparameters.Hyperparameters(max_iter=50, learning_rate=0.05, max_depth=4)


def test_sagemakers_own_hyperparameters_are_ignored() -> None:
    assert hyperparameters.parse({"_tuning_objective_metric": "validation:auc"}) == hyperparameters.Hyperparameters()


def test_an_unknown_hyperparameter_is_refused_by_name() -> None:
    with pytest.raises(hyperparameters.HyperparameterError, match="'depth'"):
        hyperparameters.parse({"depth": "3"})


def test_no_hyperparameters_file_means_the_defaults(tmp_path: Path) -> None:
    assert hyperparameters.load(tmp_path / "absent.json") == hyperparameters.Hyperparameters()


def test_the_config_file_in_the_repo_is_valid() -> None:
    assert settings.load().fail_on == ("CRITICAL", "HIGH")


def test_an_unknown_scan_severity_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    text = settings.DEFAULT_CONFIG.read_text().replace("[CRITICAL, HIGH]", "[CRITICAL, SEVERE]")
    bad.write_text(text)
    with pytest.raises(settings.ConfigError, match="SEVERE"):
        settings.load(bad)
