"""The model: a gradient-boosted tree classifier on CSV rows (no header, label first, features after it).

The row format is the one the project's model-build preprocessing writes, and the saved file (``model.joblib``)
is the one its evaluation step loads, so this image can replace SageMaker's scikit-learn image in that pipeline.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from container.hyperparameters import Hyperparameters

MODEL_FILE = "model.joblib"


def read_channel(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every CSV in a channel folder."""
    files = sorted(Path(folder).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV file in {folder}")
    data = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True).to_numpy()
    return data[:, 1:].astype(float), data[:, 0].astype(int)


def fit(features: np.ndarray, labels: np.ndarray, hyperparameters: Hyperparameters) -> HistGradientBoostingClassifier:
    model = HistGradientBoostingClassifier(
        max_iter=hyperparameters.max_iter,
        learning_rate=hyperparameters.learning_rate,
        max_depth=hyperparameters.max_depth,
        random_state=0,
    )
    return model.fit(features, labels)


def auc(model: Any, features: np.ndarray, labels: np.ndarray) -> float:
    return float(roc_auc_score(labels, model.predict_proba(features)[:, 1]))


def save(model: Any, model_dir: Path) -> Path:
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    joblib.dump(model, path)
    return path


def load(model_dir: Path) -> Any:
    path = Path(model_dir) / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"no {MODEL_FILE} in {model_dir}: train first (SageMaker unpacks model.tar.gz there)")
    return joblib.load(path)


def parse_csv(payload: bytes, n_features: int) -> np.ndarray:
    """Rows of features (no label) from a CSV request body; ValueError naming the problem."""
    text = payload.decode("utf-8").strip()
    if not text:
        raise ValueError("empty request body: send one CSV row of features per line")
    rows = pd.read_csv(io.StringIO(text), header=None).to_numpy(dtype=float)
    if rows.shape[1] != n_features:
        raise ValueError(f"each row needs {n_features} features (got {rows.shape[1]})")
    return rows


def predict(model: Any, rows: np.ndarray) -> np.ndarray:
    """Probability of the positive class, one per row."""
    return np.asarray(model.predict_proba(rows)[:, 1])
