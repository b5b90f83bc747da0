"""Rehearse the deploy workflow on this machine: local AWS (moto, in-process), stand-in models, no account.

Release 1 (a good model) goes to preprod and passes the smoke test; release 2 (a model answering raw scores)
fails it and is rolled back to release 1; release 1 then goes to prod. Writes `<output>/report/metrics.json`
(every stage's outcome, smoke latencies) and `<output>/report/smoke_latency.png`.

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
from deploy import local
from deploy.errors import SmokeTestFailed
from deploy.stage import Clients, StageResult, deploy_stage


def plot_latencies(results: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for result in results:
        smoke = result["smoke_test"]
        version = result["endpoint_config"].rsplit("-", 2)[-2]
        label = f"{result['stage']} {version} ({'pass' if smoke['passed'] else 'FAIL'})"
        ax.plot(range(1, len(smoke["latencies_ms"]) + 1), smoke["latencies_ms"], marker="o", label=label)
    ax.set(xlabel="smoke-test request", ylabel="latency (ms)", title="Smoke tests of the rehearsed releases")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def rehearse(config: config_module.Config, output: Path) -> dict[str, Any]:
    from moto import mock_aws

    local.use_fake_credentials()
    started = time.perf_counter()
    with mock_aws():
        sagemaker, runtime, autoscaling, ssm, s3 = local.clients()
        local.seed_platform(ssm, s3)
        good = local.register_package(sagemaker)
        bad = local.register_package(sagemaker)
        endpoints = local.LocalEndpoints(sagemaker, {good: local.train_stand_in_model(), bad: local.broken_model})
        clients = Clients(sagemaker, runtime, autoscaling, ssm)
        clock = datetime(2026, 1, 1, tzinfo=UTC)
        outcomes: list[dict[str, Any]] = []

        def release(stage: str, package: str, minute: int) -> StageResult | None:
            endpoint = f"{local.PROJECT}-{stage}"
            try:
                result = deploy_stage(
                    clients,
                    config,
                    project=local.PROJECT,
                    stage_name=stage,
                    model_package_arn=package,
                    execution_role_arn=local.ROLE,
                    invoke=endpoints.invoker(endpoint),
                    now=clock + timedelta(minutes=minute),
                    poll_s=0,
                )
            except SmokeTestFailed as failed:
                outcomes.append({**failed.outcome.as_dict(), "error": str(failed)})
                return None
            outcomes.append(result.as_dict())
            return result

        release("preprod", good, 0)
        release("preprod", bad, 1)
        serving = sagemaker.describe_endpoint(EndpointName=f"{local.PROJECT}-preprod")["EndpointConfigName"]
        release("prod", good, 2)
    report = {
        "releases": outcomes,
        "preprod_serves_after_rollback": serving,
        "rolled_back": [o for o in outcomes if o.get("rolled_back")],
        "seconds": round(time.perf_counter() - started, 2),
    }
    report_dir = output / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "metrics.json").write_text(json.dumps(report, indent=2))
    plot_latencies([o for o in outcomes if "smoke_test" in o], report_dir / "smoke_latency.png")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    args = parser.parse_args(argv)
    report = rehearse(config_module.load(args.config), args.output)
    for outcome in report["releases"]:
        verdict = "rolled back: " + outcome["rolled_back"] if outcome.get("rolled_back") else "smoke test passed"
        print(f"{outcome['stage']}: {outcome['endpoint_config']} -> {verdict}")
    print(f"report in {args.output / 'report'} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
