from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipelines import config, run_local
from steps import batch_inference, preprocess, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trained")
    preprocess.run("builtin:breast_cancer", root / "data", "target", 0.15, 0.15, 42)
    train.run(root / "data" / "train", root / "model", 50, 0.1, 3)
    return root


def test_training_writes_a_model(trained: Path) -> None:
    assert (trained / "model" / "model.joblib").is_file()


def test_batch_inference_scores_every_record_dropping_the_label(trained: Path) -> None:
    summary = batch_inference.run(trained / "model", "builtin:breast_cancer", "target", trained / "out")
    assert summary["records"] == 569
    lines = (trained / "out" / "predictions.csv").read_text().splitlines()
    assert lines[0] == "probability" and len(lines) == 570
    assert all(0.0 <= float(v) <= 1.0 for v in lines[1:])


def test_the_local_run_scores_and_reports(tmp_path: Path) -> None:
    metrics: dict[str, Any] = run_local.run(config.load(), tmp_path)
    assert metrics["passed_gate"] is True
    assert metrics["batch_inference"]["records"] == 569
    assert json.loads((tmp_path / "report" / "metrics.json").read_text()) == metrics
    assert (tmp_path / "report" / "scores.png").read_bytes().startswith(b"\x89PNG")


def test_a_run_below_the_gate_stops_before_scoring(tmp_path: Path) -> None:
    strict = tmp_path / "config.yaml"
    strict.write_text(
        config.DEFAULT_CONFIG.read_text()
        .replace("metric: auc", "metric: f1")
        .replace("threshold: 0.90", "threshold: 1.0")
    )
    assert run_local.main(["--config", str(strict), "--output", str(tmp_path / "out")]) == 2
    assert "batch_inference" not in json.loads((tmp_path / "out" / "report" / "metrics.json").read_text())


def test_a_schedule_that_is_not_cron_or_rate_is_refused() -> None:
    import yaml

    data = yaml.safe_load(config.DEFAULT_CONFIG.read_text())
    data["schedule"]["expression"] = "every day"
    with pytest.raises(config.ConfigError, match=r"schedule\.expression"):
        config.parse(data)
