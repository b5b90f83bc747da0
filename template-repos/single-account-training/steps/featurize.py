"""Featurize: fit the feature preprocessor on the train split, transform every split, save it as a model.

Used when `inference_pipeline.enabled` is true in config.yaml. The preprocessor (median imputation, then
standard scaling) is fitted on the train split only, so validation and test are transformed exactly as unseen
requests will be. It is saved as `model.tar.gz` (`preprocessor.joblib` at its root), the artifact of the first
container of the registered pipeline model; the same file serves it there: `model_fn`, `input_fn`, `predict_fn`
and `output_fn` below turn a CSV row of raw features into a CSV row of model features, which SageMaker passes to
the second container (`train.py`'s handlers).

Runs as a SageMaker Processing job (`python3 featurize.py --input-dir ... --output-dir ...`) or locally; it
imports nothing from this repo. Split layout in and out: no header, label in the first column, features after it.
"""

from __future__ import annotations

import argparse
import io
import tarfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

PREPROCESSOR_FILE = "preprocessor.joblib"
SPLITS = ("train", "validation", "test")
CSV = "text/csv"


def build() -> Pipeline:
    """The preprocessor: missing values become the train split's median, then each feature is standardised."""
    return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])


def read_split(split_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Labels and features of every CSV in a split folder (label first, no header)."""
    files = sorted(Path(split_dir).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV in {split_dir}")
    data = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True).to_numpy(dtype=float)
    return data[:, 0], data[:, 1:]


def package(preprocessor: Pipeline, output_dir: Path) -> Path:
    """`<output_dir>/model.tar.gz` with `preprocessor.joblib` at its root, as SageMaker serving expects it."""
    output_dir.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    joblib.dump(preprocessor, buffer)
    archive = output_dir / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(PREPROCESSOR_FILE)
        info.size = buffer.tell()
        buffer.seek(0)
        tar.addfile(info, buffer)
    return archive


def run(input_dir: Path, output_dir: Path) -> dict[str, Path]:
    """Fit on `<input_dir>/train`, write `<output_dir>/<split>/<split>.csv` and `<output_dir>/preprocessor/`."""
    labels, features = read_split(input_dir / "train")
    preprocessor = build().fit(features)
    paths = {}
    for name in SPLITS:
        split_labels, split_features = (labels, features) if name == "train" else read_split(input_dir / name)
        transformed = np.column_stack([split_labels.astype(int), preprocessor.transform(split_features)])
        target = output_dir / name / f"{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(transformed).astype({0: int}).to_csv(target, header=False, index=False)
        paths[name] = target
    paths["preprocessor"] = package(preprocessor, output_dir / "preprocessor")
    return paths


# --- inference handlers (first container of the pipeline model, SageMaker scikit-learn serving container) --------


def model_fn(model_dir: str) -> Any:
    return joblib.load(Path(model_dir) / PREPROCESSOR_FILE)


def input_fn(request_body: bytes | str, content_type: str) -> np.ndarray:
    """CSV rows of raw features (no label, no header); an empty field is a missing value the preprocessor fills."""
    if content_type.split(";")[0].strip() != CSV:
        raise ValueError(f"unsupported content type {content_type!r}: send {CSV} rows of raw features")
    text = request_body.decode() if isinstance(request_body, bytes) else request_body
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows:
        raise ValueError("the request has no rows")
    return np.genfromtxt(rows, delimiter=",", dtype=float, ndmin=2)


def predict_fn(input_data: np.ndarray, preprocessor: Any) -> np.ndarray:
    expected = int(preprocessor.n_features_in_)
    if input_data.shape[1] != expected:
        raise ValueError(f"each row must hold {expected} raw features, got {input_data.shape[1]}")
    return np.asarray(preprocessor.transform(input_data))


def output_fn(prediction: np.ndarray, accept: str) -> str:
    """CSV rows of model features: what the model container reads (SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT)."""
    if accept.split(";")[0].strip() not in (CSV, "*/*"):
        raise ValueError(f"unsupported accept type {accept!r}: the preprocessor answers {CSV}")
    out = io.StringIO()
    np.savetxt(out, np.atleast_2d(prediction), delimiter=",", fmt="%.10g")
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input-dir", type=Path, default=Path("/opt/ml/processing/input"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/output"))
    args = parser.parse_args(argv)
    for name, path in run(args.input_dir, args.output_dir).items():
        print(f"wrote {name}: {path}")


if __name__ == "__main__":
    main()
