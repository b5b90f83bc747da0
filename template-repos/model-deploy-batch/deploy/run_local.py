"""Rehearse the batch deploy workflow on this machine: local AWS (moto, in-process), stand-in models.

Release 1 (a good model) becomes preprod's active batch model; release 2 (raw scores, not probabilities) fails
its smoke transform and is deleted, release 1 stays active; release 1 goes to prod and the scheduled transform runs
over sample input. Writes `<output>/report/metrics.json` and `<output>/report/batch_scores.png`.

    python -m deploy.run_local --output build/local
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from deploy import config as config_module
from deploy import local, transform
from deploy.errors import SmokeTestFailed
from deploy.stage import Clients, deploy_stage, scheduled_transform


def plot_scores(scores: list[float], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(scores, bins=20, range=(0, 1), color="tab:blue")
    ax.set(xlabel="predicted probability", ylabel="records", title="Scheduled transform output (prod, rehearsal)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def rehearse(config: config_module.Config, output: Path) -> dict[str, Any]:
    from moto import mock_aws
    from sklearn.datasets import load_breast_cancer

    local.use_fake_credentials()
    started = time.perf_counter()
    with mock_aws():
        sagemaker, s3, ssm = local.clients()
        local.seed_platform(ssm, s3)
        good = local.register_package(sagemaker)
        bad = local.register_package(sagemaker)
        sagemaker.models.update({good: local.train_stand_in_model(), bad: local.broken_model})
        clients = Clients(sagemaker, s3, ssm)
        clock = datetime(2026, 1, 1, tzinfo=UTC)
        outcomes: list[dict[str, Any]] = []

        for minute, (stage, package) in enumerate([("preprod", good), ("preprod", bad), ("prod", good)]):
            try:
                result = deploy_stage(
                    clients,
                    config,
                    project=local.PROJECT,
                    stage_name=stage,
                    model_package_arn=package,
                    execution_role_arn=local.ROLE,
                    now=clock + timedelta(minutes=minute),
                    poll_s=0,
                )
                outcomes.append(result.as_dict())
            except SmokeTestFailed as failed:
                outcomes.append({**failed.outcome.as_dict(), "error": str(failed)})
        active = {stage: transform.active_model(ssm, local.PROJECT, stage) for stage in ("preprod", "prod")}

        records = load_breast_cancer().data
        body = "\n".join(",".join(f"{v:g}" for v in row) for row in records) + "\n"
        s3.put_object(Bucket=local.BUCKET, Key=f"{config.input_prefix}records.csv", Body=body.encode())
        ran = scheduled_transform(clients, config, project=local.PROJECT, stage_name="prod", now=clock, poll_s=0)
        scores_uri = f"{ran['output']}/records.csv.out"
        scores = [float(x) for x in (transform.read_object(s3, scores_uri) or b"").decode().split()]
    report = {
        "releases": outcomes,
        "active_models": active,
        "scheduled_transform": {**ran, "records": len(scores), "mean_score": sum(scores) / max(len(scores), 1)},
        "seconds": round(time.perf_counter() - started, 2),
    }
    report_dir = output / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "metrics.json").write_text(json.dumps(report, indent=2))
    plot_scores(scores, report_dir / "batch_scores.png")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    args = parser.parse_args(argv)
    report = rehearse(config_module.load(args.config), args.output)
    for outcome in report["releases"]:
        verdict = "rolled back: " + outcome["rolled_back"] if outcome.get("rolled_back") else "active"
        print(f"{outcome['stage']}: {outcome['model']} -> {verdict}")
    print(f"scheduled transform scored {report['scheduled_transform']['records']} records")
    print(f"report in {args.output / 'report'} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
