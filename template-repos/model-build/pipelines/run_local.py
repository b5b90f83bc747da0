"""Run the pipeline's steps end to end on this machine, no SageMaker: preprocess -> train -> evaluate -> gate.

Writes `<output>/report/metrics.json` (test metrics, threshold, whether the model would be registered),
`<output>/report/roc_curve.png`, the trained model as SageMaker packs it (`<output>/model.tar.gz`) and
`<output>/report/model.json`: what the RegisterModel step would register for it (artifact, inference image for
the AWS region configured here, content types, and its containers in order). With config.yaml's
`inference_pipeline.enabled`, the fitted preprocessor runs between preprocess and train (steps/featurize.py), is
packed as `<output>/preprocessor.tar.gz` and recorded as the first of two containers. Exit code 0 when the model
passes the gate, 2 when it would not be registered.

    python -m pipelines.run_local --output build/local
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

from pipelines import config as config_module
from steps import evaluate, featurize, preprocess, train


def plot_roc(result: dict[str, Any], metric_name: str, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = result["roc_curve"]
    auc = result["binary_classification_metrics"]["auc"]["value"]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(curve["false_positive_rate"], curve["true_positive_rate"], label=f"model (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC on the test split ({metric_name})")
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def package_model(model_dir: Path, output: Path) -> Path:
    """`model.tar.gz` with the model files at its root, as a SageMaker training job uploads them."""
    archive = output / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(model_dir.iterdir()):
            tar.add(path, arcname=path.name)
    return archive


def registration(
    config: config_module.Config, archive: Path, region: str | None, preprocessor: Path | None = None
) -> dict[str, Any]:
    """What RegisterModel would register for this model (no image without a region: none is configured).
    `containers` lists the package's containers in the order SageMaker calls them: the preprocessor first when
    there is one (the inference pipeline option), then the model."""
    from pipelines.inference_pipeline import ENTRY_POINT, PREPROCESSOR_ENV
    from pipelines.pipeline import serving_image_uri

    image = serving_image_uri(config, region) if region else None
    model = {
        "name": "model",
        "model_data": archive.name,
        "image_uri": image,
        "entry_point": "train.py",
        "environment": {},
    }
    containers = [model]
    if preprocessor is not None:
        first = {
            "name": "preprocessor",
            "model_data": preprocessor.name,
            "image_uri": image,
            "entry_point": ENTRY_POINT,
        }
        containers.insert(0, {**first, "environment": dict(PREPROCESSOR_ENV)})
    return {
        "model_data": archive.name,
        "image_uri": image,
        "region": region,
        "content_types": ["text/csv"],
        "response_types": ["text/csv"],
        "inference_instance_types": config.inference_instance_types,
        "transform_instance_types": config.transform_instance_types,
        "containers": containers,
    }


def fit_preprocessor(data_dir: Path, output: Path) -> tuple[Path, Path]:
    """The FitPreprocessor step: transformed splits in `<output>/features`, the preprocessor packed as a model."""
    paths = featurize.run(data_dir, output / "features")
    packed = output / "preprocessor.tar.gz"
    paths["preprocessor"].replace(packed)
    return output / "features", packed


def run(config: config_module.Config, output: Path, input_data: str | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    data_dir, model_dir, evaluation_dir, report_dir = (output / p for p in ("data", "model", "evaluation", "report"))
    preprocess.run(
        input_data or config.input_data,
        data_dir,
        config.label_column,
        config.validation_fraction,
        config.test_fraction,
        config.seed,
    )
    preprocessor = None
    if config.inference_pipeline:
        data_dir, preprocessor = fit_preprocessor(data_dir, output)
    hp = config.hyperparameters
    train_scores = train.run(
        data_dir / "train",
        data_dir / "validation",
        model_dir,
        int(hp["max-iter"]),
        float(hp["learning-rate"]),
        int(hp["max-depth"]),
    )
    result = evaluate.run(model_dir, data_dir / "test", evaluation_dir)
    value = result["binary_classification_metrics"][config.metric]["value"]
    metrics = {
        "metric": config.metric,
        "value": value,
        "threshold": config.threshold,
        "registered": value >= config.threshold,
        "test_metrics": {k: v["value"] for k, v in result["binary_classification_metrics"].items()},
        "train_scores": train_scores,
        "test_rows": result["test_rows"],
        "seconds": round(time.perf_counter() - started, 2),
    }
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    import boto3

    model = registration(config, package_model(model_dir, output), boto3.Session().region_name, preprocessor)
    (report_dir / "model.json").write_text(json.dumps(model, indent=2))
    plot_roc(result, config.metric, report_dir / "roc_curve.png")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    parser.add_argument("--input-data", help="override config.yaml's input_data (a CSV path or builtin:<name>)")
    args = parser.parse_args(argv)
    metrics = run(config_module.load(args.config), args.output, args.input_data)
    verdict = "would be registered" if metrics["registered"] else "would NOT be registered"
    print(
        f"test {metrics['metric']} = {metrics['value']:.4f} (threshold {metrics['threshold']}): model {verdict};"
        f" report in {args.output / 'report'} ({metrics['seconds']} s)"
    )
    return 0 if metrics["registered"] else 2


if __name__ == "__main__":
    sys.exit(main())
