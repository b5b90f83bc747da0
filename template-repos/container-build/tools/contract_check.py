"""Check SageMaker's container contract on this machine, without Docker: the image's entry point
(``python -m container train|serve``) runs as a process against a temporary ``/opt/ml`` layout (``OPT_ML_ROOT``).

``python -m tools.contract_check --output build/local`` (``make run-local``) trains on scikit-learn's bundled
breast-cancer sample, serves the model, calls ``GET /ping`` and ``POST /invocations``, runs a training that must
fail, and writes ``<output>/report/metrics.json``: each check's outcome and the model's validation AUC. It exits 1
when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools import settings as settings_module

REPO_ROOT = Path(__file__).resolve().parent.parent


def write_layout(root: Path, hyperparameters: dict[str, Any], validation_fraction: float = 0.2, seed: int = 42) -> None:
    """A SageMaker training input layout under ``root``: train and validation channels (CSV, label first, no
    header) from scikit-learn's bundled breast-cancer sample, and the hyperparameters as SageMaker writes them."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    features, labels = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(labels))
    rows = np.column_stack([labels, features])[order]
    cut = int(len(rows) * (1 - validation_fraction))
    for channel, part in (("train", rows[:cut]), ("validation", rows[cut:])):
        folder = root / "input" / "data" / channel
        folder.mkdir(parents=True, exist_ok=True)
        np.savetxt(folder / f"{channel}.csv", part, delimiter=",", fmt="%.10g")
    config = root / "input" / "config"
    config.mkdir(parents=True, exist_ok=True)
    # SageMaker passes every hyperparameter value as a string.
    (config / "hyperparameters.json").write_text(json.dumps({k: str(v) for k, v in hyperparameters.items()}))


def sample_rows(root: Path, count: int) -> str:
    """``count`` validation rows without their label: a CSV request body."""
    lines = (root / "input" / "data" / "validation" / "validation.csv").read_text().splitlines()[:count]
    return "\n".join(line.split(",", 1)[1] for line in lines) + "\n"


def container_env(root: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(OPT_ML_ROOT=str(root), PYTHONPATH=str(REPO_ROOT), **extra)
    return env


def run_train(root: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``train`` as SageMaker starts it (``docker run <image> train``), as a process."""
    return subprocess.run(
        [sys.executable, "-m", "container", "train"],
        cwd=REPO_ROOT,
        env=container_env(root),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[str]
    url: str


@contextmanager
def serving(root: Path, ready_seconds: float = 60) -> Iterator[Server]:
    """``serve`` as a process on 127.0.0.1 and a free port, until ``/ping`` answers; stopped (by its PID) after."""
    port = free_port()
    env = container_env(root, SAGEMAKER_BIND_TO_PORT=str(port), SERVE_BIND_HOST="127.0.0.1", MODEL_SERVER_WORKERS="1")
    log = tempfile.TemporaryFile(mode="w+")  # the server's log: a file, so a chatty server never blocks on a pipe
    process = subprocess.Popen(
        [sys.executable, "-m", "container", "serve"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log, text=True
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"serve exited ({process.returncode}): {log.read()[-2000:]}")
            try:
                if call(server, "GET", "/ping")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"serve did not answer /ping within {ready_seconds:.0f} s")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def call(
    server: Server, method: str, path: str, body: bytes | None = None, content_type: str = "text/csv"
) -> tuple[int, str]:
    """(status, body) of one request to the server."""
    request = urllib.request.Request(server.url + path, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def check(workdir: Path, config: settings_module.Settings) -> dict[str, Any]:
    """Every check of the contract, in a fresh layout under ``workdir``."""
    good, bad = workdir / "opt-ml", workdir / "opt-ml-failing"
    for folder in (good, bad):  # a fresh layout: nothing left from an earlier run may pass a check
        shutil.rmtree(folder, ignore_errors=True)
    write_layout(good, config.hyperparameters, config.validation_fraction, config.seed)
    trained = run_train(good)
    report: dict[str, Any] = {
        "train_exits_zero": trained.returncode == 0,
        "train_writes_the_model": (good / "model" / "model.joblib").is_file(),
    }
    for line in trained.stdout.splitlines():
        if line.startswith("validation_auc="):
            report["validation_auc"] = float(line.split("=", 1)[1])
    if report["train_writes_the_model"]:
        with serving(good) as server:
            report["ping_answers_200"] = call(server, "GET", "/ping")[0] == 200
            status, answer = call(server, "POST", "/invocations", sample_rows(good, 5).encode())
            report["invocations_answer_each_row"] = status == 200 and len(answer.split()) == 5
    write_layout(bad, {**config.hyperparameters, "max-depth": "deep"})
    failed = run_train(bad)
    failure = bad / "output" / "failure"
    report["failed_train_exits_non_zero"] = failed.returncode != 0
    report["failed_train_writes_the_failure_file"] = failure.is_file() and "max-depth" in failure.read_text()
    report["contract_holds"] = all(
        report.get(name) is True
        for name in (
            "train_exits_zero", "train_writes_the_model", "ping_answers_200", "invocations_answer_each_row",
            "failed_train_exits_non_zero", "failed_train_writes_the_failure_file",
        )
    )  # fmt: skip
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    parser.add_argument("--config", type=Path, default=settings_module.DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    config = settings_module.load(args.config)
    args.output.mkdir(parents=True, exist_ok=True)
    report = check(args.output, config)
    folder = args.output / "report"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    for name, value in report.items():
        print(f"{name}: {value}")
    return 0 if report["contract_holds"] else 1


if __name__ == "__main__":
    sys.exit(main())
