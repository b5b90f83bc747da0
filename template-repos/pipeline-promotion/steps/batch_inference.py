"""Batch inference (as a SageMaker Processing job): score the scoring data with the model this run trained.

Input: `builtin:<name>`, an `s3://` CSV, a CSV file or folder (a `label_column`, when present, is dropped).
Output: `predictions.csv` (one probability per record, in input order) and `summary.json`. Imports nothing from
this repo.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

MODEL_FILE = "model.joblib"


def load_records(source: str, label_column: str) -> pd.DataFrame:
    if source.startswith("builtin:"):
        from sklearn import datasets

        frame: pd.DataFrame = getattr(datasets, f"load_{source.removeprefix('builtin:')}")(as_frame=True).frame
    elif source.startswith("s3://"):
        import boto3

        bucket, _, key = source.removeprefix("s3://").partition("/")
        frame = pd.read_csv(io.BytesIO(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()))
    else:
        path = Path(source)
        files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    features = frame.drop(columns=[label_column], errors="ignore").select_dtypes(include="number")
    return features.fillna(features.median(numeric_only=True))


def score(model: Any, records: pd.DataFrame) -> np.ndarray:
    return np.asarray(model.predict_proba(records.to_numpy())[:, 1])


def run(model_dir: Path, source: str, label_column: str, output_dir: Path) -> dict[str, Any]:
    model = joblib.load(model_dir / MODEL_FILE)
    scores = score(model, load_records(source, label_column))
    output_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"probability": scores.round(6)}).to_csv(output_dir / "predictions.csv", index=False)
    summary = {
        "records": len(scores),
        "mean_probability": float(scores.mean()),
        "positive_share": float((scores >= 0.5).mean()),
    }
    (output_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--scoring-data", default="builtin:breast_cancer")
    parser.add_argument("--label-column", default="target")
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/predictions"))
    args = parser.parse_args(argv)
    print(json.dumps(run(args.model_dir, args.scoring_data, args.label_column, args.output_dir)))


if __name__ == "__main__":
    main()
