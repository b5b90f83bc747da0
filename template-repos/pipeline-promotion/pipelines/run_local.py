"""Run the pipeline's steps end to end on this machine, no SageMaker: preprocess -> train -> evaluate -> gate ->
batch inference. Writes `<output>/report/metrics.json` and `<output>/report/scores.png`; exit 2 when the gate
stops the run (as the FailStep would).

    python -m pipelines.run_local --output build/local
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from pipelines import config as config_module
from steps import batch_inference, evaluate, preprocess, train


def plot(result: dict[str, Any], predictions: Path, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    curve = result["roc_curve"]
    left.plot(curve["false_positive_rate"], curve["true_positive_rate"])
    left.plot([0, 1], [0, 1], linestyle="--", color="grey")
    left.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC on the test split")
    right.hist(pd.read_csv(predictions)["probability"], bins=20, range=(0, 1))
    right.set(xlabel="predicted probability", ylabel="records", title="Batch inference scores")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def run(config: config_module.Config, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    data, model, evaluation, predictions, report = (
        output / p for p in ("data", "model", "evaluation", "predictions", "report")
    )
    preprocess.run(
        config.input_data, data, config.label_column, config.validation_fraction, config.test_fraction, config.seed
    )
    hp = config.hyperparameters
    train.run(data / "train", model, int(hp["max-iter"]), float(hp["learning-rate"]), int(hp["max-depth"]))
    result = evaluate.run(model, data / "test", evaluation)
    value = result["binary_classification_metrics"][config.metric]["value"]
    metrics: dict[str, Any] = {
        "metric": config.metric,
        "value": value,
        "threshold": config.threshold,
        "passed_gate": value >= config.threshold,
    }
    if metrics["passed_gate"]:
        metrics["batch_inference"] = batch_inference.run(model, config.scoring_data, config.label_column, predictions)
    metrics["seconds"] = round(time.perf_counter() - started, 2)
    report.mkdir(parents=True, exist_ok=True)
    (report / "metrics.json").write_text(json.dumps(metrics, indent=2))
    if metrics["passed_gate"]:
        plot(result, predictions / "predictions.csv", report / "scores.png")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    args = parser.parse_args(argv)
    metrics = run(config_module.load(args.config), args.output)
    if not metrics["passed_gate"]:
        print(f"test {metrics['metric']} {metrics['value']:.4f} < {metrics['threshold']}: run stopped at the gate")
        return 2
    scored = metrics["batch_inference"]["records"]
    print(
        f"test {metrics['metric']} {metrics['value']:.4f}; scored {scored} records; report in {args.output / 'report'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
