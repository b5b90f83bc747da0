"""Train (as a SageMaker Processing job): fit a gradient-boosted tree classifier on the train split.

Runs as `python3 train.py --train-dir /opt/ml/processing/train --model-dir /opt/ml/processing/model`; a processing
job (rather than a training job) keeps every step's code an S3 input, so the pipeline definition holds no
account-specific location and is promoted unchanged. Imports nothing from this repo.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

MODEL_FILE = "model.joblib"


def read_split(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    files = sorted(Path(folder).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV in {folder}")
    data = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True).to_numpy()
    return data[:, 1:], data[:, 0].astype(int)


def run(train_dir: Path, model_dir: Path, max_iter: int, learning_rate: float, max_depth: int) -> dict[str, float]:
    features, labels = read_split(train_dir)
    model = HistGradientBoostingClassifier(
        max_iter=max_iter, learning_rate=learning_rate, max_depth=max_depth, random_state=0
    ).fit(features, labels)
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_dir / MODEL_FILE)
    return {"train_auc": float(roc_auc_score(labels, model.predict_proba(features)[:, 1]))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-dir", type=Path, default=Path("/opt/ml/processing/train"))
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--max-depth", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.train_dir, args.model_dir, args.max_iter, args.learning_rate, args.max_depth)))


if __name__ == "__main__":
    main()
