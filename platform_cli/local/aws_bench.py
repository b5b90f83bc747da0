"""Benchmark of local AWS: start-up time of the moto server (``up`` until it answers and the member accounts'
roles exist), as wall-clock time and as CPU time (this process plus the server), which the machine's load does not
inflate.

Run ``python -m platform_cli.local.aws_bench [--runs N]``; prints each run and the medians, and exits 1 when the
median wall-clock start-up exceeds the 3 s target.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from platform_cli.local.aws import LocalAws
from platform_cli.local.aws.process import cpu_seconds

TARGET_SECONDS = 3.0


@dataclass(frozen=True)
class StartUp:
    wall_seconds: float
    cpu_seconds: float | None  # this process + the server; None without procfs


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_startup(runs: int) -> list[StartUp]:
    """Start and stop a server ``runs`` times in a scratch state directory."""
    results: list[StartUp] = []
    with tempfile.TemporaryDirectory(prefix="mlops-aws-bench-") as scratch:
        for run in range(runs):
            local = LocalAws(Path(scratch) / str(run))
            cpu_before, started = _own_cpu(), time.monotonic()
            info = local.up()
            wall = time.monotonic() - started
            server_cpu = cpu_seconds(info.pid)
            cpu = None if server_cpu is None else _own_cpu() - cpu_before + server_cpu
            results.append(StartUp(wall, cpu))
            local.down()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local AWS start-up benchmark")
    parser.add_argument("--runs", type=int, default=5, help="start-ups to measure (default 5)")
    args = parser.parse_args(argv)
    results = measure_startup(max(1, args.runs))
    wall = statistics.median(r.wall_seconds for r in results)
    cpus = [r.cpu_seconds for r in results if r.cpu_seconds is not None]
    print(f"local AWS start-up (wall): {', '.join(f'{r.wall_seconds:.2f}' for r in results)} s")
    print(f"local AWS start-up median: {wall:.2f} s wall (target <= {TARGET_SECONDS:.0f} s)", end="")
    print(f", {statistics.median(cpus):.2f} s CPU" if cpus else "", end="")
    print(f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if wall <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
