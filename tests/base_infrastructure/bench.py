"""Benchmark of the base infrastructure on local AWS: seconds to bootstrap, apply, re-plan and destroy each
environment. ``python -m tests.base_infrastructure.bench [--sequential] [--json]``.

By default the three environments run side by side (as ``make test`` does); ``--sequential`` applies dev, then
preprod, then prod, as deploy.yml does, and gives each environment's apply time on an otherwise idle server.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from platform_cli.local.aws import LocalAws
from platform_cli.local.iam.log import read as read_decisions
from tests.base_infrastructure.harness import ENVIRONMENTS, deploy_all, destroy_all, plan_all


def run(sequential: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mlops-bench-") as scratch:
        base = Path(scratch)
        local = LocalAws(base / "local-aws")
        local.up()
        try:
            started = time.monotonic()
            deployment = deploy_all(base, local, parallel=not sequential)
            plans = plan_all(deployment)
            destroyed = destroy_all(deployment)
            total = round(time.monotonic() - started, 1)
            decisions = list(read_decisions(local.decisions_file))
        finally:
            local.down()
    evaluating = sum(float(d.get("eval_ms", 0.0)) for d in decisions) / 1000
    return {
        "mode": "sequential" if sequential else "parallel",
        "lambda_build_seconds": deployment.lambda_build_seconds,
        "environments": {
            name: {
                "bootstrap_seconds": round(deployment.bootstraps[name].seconds, 1),
                "apply_seconds": deployment.apply_seconds[name],
                "second_plan_seconds": deployment.environments[name].timings.get("plan"),
                "second_plan_changes": plans[name][0] != 0,
                "destroy_seconds": destroyed[name],
            }
            for name in ENVIRONMENTS
        },
        "total_seconds": total,
        # Local AWS evaluates every call as IAM would (platform_cli/local/iam); its time inside the server.
        "iam_calls_evaluated": len(decisions),
        "iam_evaluation_seconds": round(evaluating, 2),
        "iam_evaluation_share_percent": round(100 * evaluating / total, 1) if total else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sequential", action="store_true", help="apply dev, preprod, prod one after the other")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    result = run(args.sequential)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"base infrastructure on local AWS ({result['mode']}); lambda build {result['lambda_build_seconds']} s")
    for name, figures in result["environments"].items():  # type: ignore[attr-defined]
        print(
            f"  {name:8} bootstrap {figures['bootstrap_seconds']:6.1f} s   apply {figures['apply_seconds']:6.1f} s   "
            f"re-plan {figures['second_plan_seconds']:6.1f} s (changes: {figures['second_plan_changes']})   "
            f"destroy {figures['destroy_seconds']:6.1f} s"
        )
    print(f"  total {result['total_seconds']} s")
    print(
        f"  IAM evaluation: {result['iam_calls_evaluated']} calls, {result['iam_evaluation_seconds']} s "
        f"({result['iam_evaluation_share_percent']}% of the total wall time; target under 15%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
