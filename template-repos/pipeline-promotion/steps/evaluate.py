"""Evaluate: score the trained model on the held-out test split and write `evaluation.json`.

The report follows SageMaker's model-quality layout (`binary_classification_metrics.<metric>.value`), so the
pipeline's condition reads it with JsonGet and the model registry shows it next to the model package.
Runs as a SageMaker Processing job: the model arrives as `model.tar.gz`, the test split as CSV.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score, roc_curve

MODEL_FILE = "model.joblib"
METRICS = ("auc", "accuracy", "f1")


def load_model(model_dir: Path) -> Any:
    """Load the model from `model.joblib`, unpacking `model.tar.gz` first when that is what arrived."""
    archive = model_dir / "model.tar.gz"
    if archive.exists() and not (model_dir / MODEL_FILE).exists():
        with tarfile.open(archive) as tar:
            tar.extractall(model_dir, filter="data")
    return joblib.load(model_dir / MODEL_FILE)


def read_test(test_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    files = sorted(Path(test_dir).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV in {test_dir}")
    data = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True).to_numpy()
    return data[:, 1:], data[:, 0].astype(int)


def compute_metrics(labels: np.ndarray, scores: np.ndarray, cutoff: float = 0.5) -> dict[str, float]:
    predictions = (scores >= cutoff).astype(int)
    return {
        "auc": float(roc_auc_score(labels, scores)),
        "accuracy": float(accuracy_score(labels, predictions)),
        "f1": float(f1_score(labels, predictions)),
    }


def report(metrics: dict[str, float], labels: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """The evaluation report: metrics in SageMaker's layout plus the ROC curve points for plots."""
    fpr, tpr, _ = roc_curve(labels, scores)
    return {
        "binary_classification_metrics": {
            name: {"value": value, "standard_deviation": "NaN"} for name, value in metrics.items()
        },
        "roc_curve": {"false_positive_rate": fpr.round(6).tolist(), "true_positive_rate": tpr.round(6).tolist()},
        "test_rows": len(labels),
    }


def run(model_dir: Path, test_dir: Path, output_dir: Path) -> dict[str, Any]:
    model = load_model(model_dir)
    features, labels = read_test(test_dir)
    scores = model.predict_proba(features)[:, 1]
    result = report(compute_metrics(labels, scores), labels, scores)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "evaluation.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--test-dir", type=Path, default=Path("/opt/ml/processing/test"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/evaluation"))
    args = parser.parse_args(argv)
    result = run(args.model_dir, args.test_dir, args.output_dir)
    print(json.dumps(result["binary_classification_metrics"]))


if __name__ == "__main__":
    main()
