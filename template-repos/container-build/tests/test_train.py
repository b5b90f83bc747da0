"""`train` as SageMaker runs it: reads /opt/ml/input, writes /opt/ml/model, or the failure file and a non-zero exit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joblib

from tools import contract_check


def test_training_writes_the_model_to_opt_ml_model(opt_ml: Path) -> None:
    result = contract_check.run_train(opt_ml)
    assert result.returncode == 0, result.stderr
    assert (opt_ml / "model" / "model.joblib").is_file()
    assert not (opt_ml / "output" / "failure").exists()


def test_training_uses_the_hyperparameters_sagemaker_writes(opt_ml: Path) -> None:
    (opt_ml / "input" / "config" / "hyperparameters.json").write_text(json.dumps({"max-iter": "7", "max-depth": "2"}))
    assert contract_check.run_train(opt_ml).returncode == 0
    model = joblib.load(opt_ml / "model" / "model.joblib")
    assert (model.max_iter, model.max_depth) == (7, 2)


def test_training_prints_the_validation_metric_for_the_jobs_metric_regex(opt_ml: Path) -> None:
    result = contract_check.run_train(opt_ml)
    line = next(line for line in result.stdout.splitlines() if line.startswith("validation_auc="))
    assert 0.9 < float(line.split("=", 1)[1]) <= 1.0


def test_a_bad_hyperparameter_writes_the_failure_file_and_exits_non_zero(opt_ml: Path) -> None:
    (opt_ml / "input" / "config" / "hyperparameters.json").write_text(json.dumps({"max-depth": "deep"}))
    result = contract_check.run_train(opt_ml)
    assert result.returncode != 0
    assert "max-depth" in (opt_ml / "output" / "failure").read_text()
    assert not (opt_ml / "model" / "model.joblib").exists()


def test_a_missing_train_channel_is_named_in_the_failure_file(opt_ml: Path) -> None:
    shutil.rmtree(opt_ml / "input" / "data" / "train")
    result = contract_check.run_train(opt_ml)
    assert result.returncode != 0
    assert "train" in (opt_ml / "output" / "failure").read_text()


def test_the_failure_reason_fits_sagemakers_limit(opt_ml: Path) -> None:
    (opt_ml / "input" / "config" / "hyperparameters.json").write_text(json.dumps({"x" * 3000: "1"}))
    assert contract_check.run_train(opt_ml).returncode != 0
    assert len((opt_ml / "output" / "failure").read_text()) <= 1024
