from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from steps import evaluate, train


@pytest.fixture
def separable(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    features = labels[:, None] * 3.0 + rng.normal(size=(200, 4))
    for name in ("train", "test"):
        (tmp_path / name).mkdir()
        pd.DataFrame(np.column_stack([labels, features])).to_csv(
            tmp_path / name / f"{name}.csv", header=False, index=False
        )
    return tmp_path


def test_train_learns_a_separable_problem_and_saves_the_model(separable: Path) -> None:
    scores = train.run(separable / "train", None, separable / "model", max_iter=50, learning_rate=0.1, max_depth=3)
    assert scores["train_auc"] > 0.95
    assert (separable / "model" / "model.joblib").is_file()


def test_inference_handlers_return_positive_class_probabilities(separable: Path) -> None:
    train.run(separable / "train", None, separable / "model", 50, 0.1, 3)
    model = train.model_fn(str(separable / "model"))
    probabilities = train.predict_fn([[3.0, 3.0, 3.0, 3.0], [-1.0, -1.0, -1.0, -1.0]], model)
    assert probabilities.shape == (2,)
    assert probabilities[0] > 0.5 > probabilities[1]


def test_evaluate_reads_the_model_archive_and_writes_the_report_sagemaker_expects(separable: Path) -> None:
    train.run(separable / "train", None, separable / "model", 50, 0.1, 3)
    packed = separable / "packed"
    packed.mkdir()
    with tarfile.open(packed / "model.tar.gz", "w:gz") as tar:
        tar.add(separable / "model" / "model.joblib", arcname="model.joblib")
    result = evaluate.run(packed, separable / "test", separable / "evaluation")
    written = json.loads((separable / "evaluation" / "evaluation.json").read_text())
    assert written == result
    assert set(written["binary_classification_metrics"]) == {"auc", "accuracy", "f1"}
    assert written["binary_classification_metrics"]["auc"]["value"] > 0.95


def test_metrics_of_a_perfect_and_an_inverted_scorer() -> None:
    labels = np.array([0, 0, 1, 1])
    assert evaluate.compute_metrics(labels, np.array([0.1, 0.2, 0.8, 0.9])) == {"auc": 1.0, "accuracy": 1.0, "f1": 1.0}
    inverted = evaluate.compute_metrics(labels, np.array([0.9, 0.8, 0.2, 0.1]))
    assert inverted["auc"] == 0.0
    assert inverted["accuracy"] == 0.0


def test_missing_test_data_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        evaluate.read_test(tmp_path)
