"""``train``: read the hyperparameters and the ``train`` (and optional ``validation``) channel, write the model.

On any failure the reason goes to ``/opt/ml/output/failure`` (SageMaker shows it as the job's FailureReason) and
the program exits non-zero; nothing is written to the model folder then.
"""

from __future__ import annotations

import json
import sys
import traceback

from container import hyperparameters, model
from container.layout import Layout

FAILURE_LIMIT = 1024  # SageMaker keeps this many characters of the failure file


def train(layout: Layout) -> dict[str, float]:
    params = hyperparameters.load(layout.hyperparameters)
    train_dir = layout.channel("train")
    if not train_dir.is_dir():
        raise FileNotFoundError(f"no train channel at {train_dir}: the training job needs an input named 'train'")
    features, labels = model.read_channel(train_dir)
    fitted = model.fit(features, labels, params)
    scores = {"train_auc": model.auc(fitted, features, labels)}
    validation_dir = layout.channel("validation")
    if validation_dir.is_dir() and any(validation_dir.glob("*.csv")):
        scores["validation_auc"] = model.auc(fitted, *model.read_channel(validation_dir))
    model.save(fitted, layout.model_dir)
    return scores


def write_failure(layout: Layout, error: BaseException) -> None:
    layout.output_dir.mkdir(parents=True, exist_ok=True)
    layout.failure.write_text(f"{type(error).__name__}: {error}"[:FAILURE_LIMIT])


def main(layout: Layout | None = None) -> int:
    layout = layout or Layout.from_env()
    try:
        scores = train(layout)
    except Exception as error:
        write_failure(layout, error)
        traceback.print_exc(file=sys.stderr)
        return 1
    print(json.dumps(scores))
    for name, value in scores.items():  # the metric regexes of the training job read these lines
        print(f"{name}={value:.6f}")
    return 0
