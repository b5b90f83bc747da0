"""Preprocess: load the raw data, split it into train/validation/test and write each split as a CSV.

Output layout (what `train.py` and `evaluate.py` read): no header, label in the first column, features after it.
Runs as a SageMaker Processing job (`python3 preprocess.py --input-data ... --output-dir /opt/ml/processing`) or
locally; it imports nothing from this repo.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd

BUILTIN_PREFIX = "builtin:"
SPLITS = ("train", "validation", "test")


def load_builtin(name: str) -> pd.DataFrame:
    """A scikit-learn bundled dataset as one frame with its label in the column `target` (no download)."""
    from sklearn import datasets

    loaders = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine, "iris": datasets.load_iris}
    if name not in loaders:
        raise ValueError(f"unknown builtin dataset {name!r}: use one of {sorted(loaders)}")
    frame: pd.DataFrame = loaders[name](as_frame=True).frame
    return frame


def read_s3_csv(uri: str) -> pd.DataFrame:
    """Read one CSV object from S3 (the processing role must be allowed to read it)."""
    import boto3

    bucket, _, key = uri.removeprefix("s3://").partition("/")
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return pd.read_csv(io.BytesIO(body))


def load_raw(input_data: str) -> pd.DataFrame:
    """Load `builtin:<name>`, an `s3://bucket/key.csv` object, a CSV file, or every CSV of a folder."""
    if input_data.startswith(BUILTIN_PREFIX):
        return load_builtin(input_data.removeprefix(BUILTIN_PREFIX))
    if input_data.startswith("s3://"):
        return read_s3_csv(input_data)
    path = Path(input_data)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise FileNotFoundError(f"no CSV data at {input_data}: give a CSV file, a folder of CSVs or builtin:<name>")
    return pd.concat([pd.read_csv(f) for f in files], ignore_index=True)


def clean(frame: pd.DataFrame, label_column: str) -> pd.DataFrame:
    """Drop rows without a label, fill missing features with the column median, put the label first."""
    if label_column not in frame.columns:
        raise KeyError(f"label column {label_column!r} not in the data (columns: {', '.join(map(str, frame.columns))})")
    frame = frame.dropna(subset=[label_column])
    features = frame.drop(columns=[label_column]).select_dtypes(include="number")
    features = features.fillna(features.median(numeric_only=True))
    return pd.concat([frame[label_column].astype(int), features], axis=1).reset_index(drop=True)


def split(frame: pd.DataFrame, validation_fraction: float, test_fraction: float, seed: int) -> dict[str, pd.DataFrame]:
    """Shuffle with a fixed seed and cut into train/validation/test (every row lands in exactly one split)."""
    if not 0 < validation_fraction + test_fraction < 1:
        raise ValueError("validation_fraction + test_fraction must lie strictly between 0 and 1")
    order = np.random.default_rng(seed).permutation(len(frame))
    n_test = round(len(frame) * test_fraction)
    n_validation = round(len(frame) * validation_fraction)
    parts = {
        "test": order[:n_test],
        "validation": order[n_test : n_test + n_validation],
        "train": order[n_test + n_validation :],
    }
    return {name: frame.iloc[rows].reset_index(drop=True) for name, rows in parts.items()}


def write_splits(splits: dict[str, pd.DataFrame], output_dir: Path) -> dict[str, Path]:
    """Write `<output_dir>/<split>/<split>.csv` for each split; return the paths."""
    paths = {}
    for name, frame in splits.items():
        target = output_dir / name / f"{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(target, header=False, index=False)
        paths[name] = target
    return paths


def run(
    input_data: str, output_dir: Path, label_column: str, validation_fraction: float, test_fraction: float, seed: int
) -> dict[str, Path]:
    frame = clean(load_raw(input_data), label_column)
    return write_splits(split(frame, validation_fraction, test_fraction, seed), output_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input-data", default="builtin:breast_cancer")
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing"))
    parser.add_argument("--label-column", default="target")
    parser.add_argument("--validation-fraction", type=float, default=0.15)
    parser.add_argument("--test-fraction", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    paths = run(
        args.input_data, args.output_dir, args.label_column, args.validation_fraction, args.test_fraction, args.seed
    )
    for name, path in paths.items():
        print(f"wrote {name}: {path}")


if __name__ == "__main__":
    main()
