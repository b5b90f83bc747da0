"""Train: fit a gradient-boosted tree classifier on the train split; keep the validation score for the logs.

SageMaker runs this file as the entry point of its scikit-learn container (script mode): hyperparameters arrive as
`--max-iter` etc., data in `SM_CHANNEL_TRAIN` / `SM_CHANNEL_VALIDATION`, and the model goes to `SM_MODEL_DIR`.
The same file serves the model: `model_fn`, `input_fn`, `predict_fn` and `output_fn` below are the inference
handlers, so the registered model answers CSV rows of features with the probability of the positive class, one a
line (the second container of the pipeline model, after `featurize.py`, when config.yaml enables it).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

MODEL_FILE = "model.joblib"


def read_split(channel_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every CSV in a channel folder (label first, no header)."""
    files = sorted(Path(channel_dir).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV in {channel_dir}")
    data = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True).to_numpy()
    return data[:, 1:], data[:, 0].astype(int)


def fit(
    features: np.ndarray, labels: np.ndarray, max_iter: int, learning_rate: float, max_depth: int, seed: int = 0
) -> HistGradientBoostingClassifier:
    model = HistGradientBoostingClassifier(
        max_iter=max_iter, learning_rate=learning_rate, max_depth=max_depth, random_state=seed
    )
    return model.fit(features, labels)


def validation_auc(model: HistGradientBoostingClassifier, features: np.ndarray, labels: np.ndarray) -> float:
    return float(roc_auc_score(labels, model.predict_proba(features)[:, 1]))


def save(model: HistGradientBoostingClassifier, model_dir: Path) -> Path:
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    joblib.dump(model, path)
    return path


def run(
    train_dir: Path, validation_dir: Path | None, model_dir: Path, max_iter: int, learning_rate: float, max_depth: int
) -> dict[str, float]:
    features, labels = read_split(train_dir)
    model = fit(features, labels, max_iter, learning_rate, max_depth)
    save(model, model_dir)
    scores = {"train_auc": validation_auc(model, features, labels)}
    if validation_dir is not None and any(Path(validation_dir).glob("*.csv")):
        scores["validation_auc"] = validation_auc(model, *read_split(validation_dir))
    return scores


# --- inference handlers (SageMaker scikit-learn serving container) ---------------------------------------------


def model_fn(model_dir: str) -> Any:
    return joblib.load(Path(model_dir) / MODEL_FILE)


def input_fn(request_body: bytes | str, content_type: str) -> np.ndarray:
    """CSV rows of features, one request row per line; always 2-D, so a single row is one sample (the container's
    default decoder reads one row as a 1-D array, which predict_proba refuses)."""
    if content_type.split(";")[0].strip() != "text/csv":
        raise ValueError(f"unsupported content type {content_type!r}: send text/csv rows of features")
    text = request_body.decode() if isinstance(request_body, bytes) else request_body
    return np.genfromtxt([line for line in text.splitlines() if line.strip()], delimiter=",", dtype=float, ndmin=2)


def predict_fn(input_data: Any, model: Any) -> np.ndarray:
    return np.asarray(model.predict_proba(np.atleast_2d(np.asarray(input_data, dtype=float)))[:, 1])


def output_fn(prediction: np.ndarray, accept: str) -> str:
    """One probability of the positive class per line."""
    if accept.split(";")[0].strip() not in ("text/csv", "*/*"):
        raise ValueError(f"unsupported accept type {accept!r}: the model answers text/csv")
    return "".join(f"{value:.6f}\n" for value in np.ravel(prediction))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--max-depth", type=int, default=3)
    parser.add_argument("--train", type=Path, default=Path(os.environ.get("SM_CHANNEL_TRAIN", "data/train")))
    parser.add_argument("--validation", type=Path, default=os.environ.get("SM_CHANNEL_VALIDATION"))
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get("SM_MODEL_DIR", "model")))
    args = parser.parse_args(argv)
    scores = run(args.train, args.validation, args.model_dir, args.max_iter, args.learning_rate, args.max_depth)
    # SageMaker picks metrics out of the logs with the regexes the estimator declares.
    print(json.dumps(scores))
    for name, value in scores.items():
        print(f"{name}={value:.6f}")


if __name__ == "__main__":
    main()
