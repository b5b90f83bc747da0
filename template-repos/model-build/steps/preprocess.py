"""Preprocess: load the raw data, split it into train/validation/test and write each split as a CSV.

Output layout (what `train.py` and `evaluate.py` read): no header, label in the first column, features after it.
Also writes `manifest/data-manifest.json`: exactly which data this run used (each S3 object's URI, version id, ETag
and size, or each local file's SHA-256), so a run started by new data says which uploads it trained on.
Runs as a SageMaker Processing job (`python3 preprocess.py --input-data ... --output-dir /opt/ml/processing`) or
locally; it imports nothing from this repo.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BUILTIN_PREFIX = "builtin:"
SPLITS = ("train", "validation", "test")
MANIFEST = "manifest/data-manifest.json"  # under the output dir; the pipeline's `manifest` processing output


def load_builtin(name: str) -> pd.DataFrame:
    """A scikit-learn bundled dataset as one frame with its label in the column `target` (no download)."""
    from sklearn import datasets

    loaders = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine, "iris": datasets.load_iris}
    if name not in loaders:
        raise ValueError(f"unknown builtin dataset {name!r}: use one of {sorted(loaders)}")
    frame: pd.DataFrame = loaders[name](as_frame=True).frame
    return frame


def s3_keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    """The CSV objects under `prefix` (every page), sorted."""
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", []) if item["Key"].endswith(".csv")]
    return sorted(keys)


def read_s3_csv(uri: str, s3: Any = None) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Read one CSV object, or every CSV under a prefix (`s3://bucket/data/`), and record each object read: the
    version and ETag S3 answered with, so the manifest names exactly the bytes used (the processing role must be
    allowed to list and read them)."""
    import boto3

    client = s3 or boto3.client("s3")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    keys = s3_keys(client, bucket, key) if key.endswith("/") or not key else [key]
    if not keys:
        raise FileNotFoundError(f"no CSV objects under {uri}: upload the data first")
    frames, used = [], []
    for name in keys:
        answer = client.get_object(Bucket=bucket, Key=name)
        frames.append(pd.read_csv(io.BytesIO(answer["Body"].read())))
        used.append(
            {
                "uri": f"s3://{bucket}/{name}",
                "version_id": answer.get("VersionId"),
                "etag": str(answer.get("ETag", "")).strip('"'),
                "size": int(answer.get("ContentLength", 0)),
            }
        )
    return pd.concat(frames, ignore_index=True), used


def load_raw_with_manifest(input_data: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The raw data and the list of what was read (objects, files or the builtin dataset's name)."""
    if input_data.startswith(BUILTIN_PREFIX):
        return load_builtin(input_data.removeprefix(BUILTIN_PREFIX)), [{"builtin": input_data}]
    if input_data.startswith("s3://"):
        return read_s3_csv(input_data)
    path = Path(input_data)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise FileNotFoundError(f"no CSV data at {input_data}: give a CSV file, a folder of CSVs or builtin:<name>")
    used = [
        {"path": str(f), "sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "size": f.stat().st_size} for f in files
    ]
    return pd.concat([pd.read_csv(f) for f in files], ignore_index=True), used


def load_raw(input_data: str) -> pd.DataFrame:
    """Load `builtin:<name>`, an `s3://bucket/key.csv` object or every CSV under an `s3://bucket/prefix/`, a CSV
    file, or every CSV of a folder."""
    return load_raw_with_manifest(input_data)[0]


def write_manifest(output_dir: Path, input_data: str, used: list[dict[str, Any]], rows: int) -> Path:
    """`<output_dir>/manifest/data-manifest.json`: the input, every object it resolved to, the rows kept."""
    target = output_dir / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"input_data": input_data, "objects": used, "rows": rows}, indent=2, sort_keys=True))
    return target


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
    raw, used = load_raw_with_manifest(input_data)
    frame = clean(raw, label_column)
    write_manifest(output_dir, input_data, used, len(frame))
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
