from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

from pipelines import config, run_local
from pipelines.pipeline import serving_image_uri


def test_local_run_writes_metrics_and_a_plot(local_run_output: tuple[dict[str, Any], Path]) -> None:
    metrics, output = local_run_output
    written = json.loads((output / "report" / "metrics.json").read_text())
    assert written == metrics
    assert set(written["test_metrics"]) == {"auc", "accuracy", "f1"}
    png = (output / "report" / "roc_curve.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_sample_model_passes_the_shipped_gate(local_run_output: tuple[dict[str, Any], Path]) -> None:
    metrics, _ = local_run_output
    assert metrics["value"] >= metrics["threshold"]
    assert metrics["registered"] is True


def test_a_model_below_the_threshold_is_not_registered_and_exits_2(tmp_path: Path) -> None:
    strict = tmp_path / "config.yaml"
    text = (
        config.DEFAULT_CONFIG.read_text()
        .replace("metric: auc", "metric: f1")
        .replace("threshold: 0.90", "threshold: 1.0")
    )
    strict.write_text(text)
    assert run_local.main(["--config", str(strict), "--output", str(tmp_path / "out")]) == 2
    assert json.loads((tmp_path / "out" / "report" / "metrics.json").read_text())["registered"] is False


def test_the_local_run_records_the_model_it_trained_as_register_model_would_register_it(
    local_run_output: tuple[dict[str, Any], Path],
) -> None:
    _, output = local_run_output
    model = json.loads((output / "report" / "model.json").read_text())
    with tarfile.open(output / model["model_data"]) as tar:
        assert tar.getnames() == ["model.joblib"]
    assert model["image_uri"] == serving_image_uri(config.load(), model["region"])
    assert "sagemaker-scikit-learn:" + config.load().sklearn_framework_version in model["image_uri"]
    assert model["content_types"] == ["text/csv"]
