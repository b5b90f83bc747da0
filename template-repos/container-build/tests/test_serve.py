"""`serve` as SageMaker hosting runs it: GET /ping and POST /invocations on the configured port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools import contract_check


def test_ping_answers_200(server: contract_check.Server) -> None:
    assert contract_check.call(server, "GET", "/ping")[0] == 200


def test_invocations_answer_one_probability_per_csv_row(server: contract_check.Server, trained: Path) -> None:
    status, body = contract_check.call(server, "POST", "/invocations", contract_check.sample_rows(trained, 4).encode())
    assert status == 200
    scores = [float(value) for value in body.split()]
    assert len(scores) == 4 and all(0.0 <= score <= 1.0 for score in scores)


def test_invocations_answer_json_instances_with_predictions(server: contract_check.Server, trained: Path) -> None:
    rows = [[float(v) for v in line.split(",")] for line in contract_check.sample_rows(trained, 2).splitlines()]
    body = json.dumps({"instances": rows}).encode()
    status, answer = contract_check.call(server, "POST", "/invocations", body, content_type="application/json")
    assert status == 200
    assert len(json.loads(answer)["predictions"]) == 2


def test_a_row_with_the_wrong_number_of_features_is_refused_with_400(server: contract_check.Server) -> None:
    status, body = contract_check.call(server, "POST", "/invocations", b"1.0,2.0\n")
    assert status == 400
    assert "features" in body


def test_an_unsupported_content_type_is_refused_with_415(server: contract_check.Server) -> None:
    assert contract_check.call(server, "POST", "/invocations", b"<x/>", content_type="application/xml")[0] == 415


def test_other_paths_answer_404(server: contract_check.Server) -> None:
    assert contract_check.call(server, "GET", "/invocations")[0] == 404


def test_serve_without_a_model_exits_non_zero_at_once(opt_ml: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "container", "serve"],
        cwd=contract_check.REPO_ROOT,
        env=contract_check.container_env(opt_ml, SAGEMAKER_BIND_TO_PORT=str(contract_check.free_port())),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "model" in result.stderr


def test_the_entry_point_refuses_anything_but_train_or_serve(opt_ml: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "container", "predict"],
        cwd=contract_check.REPO_ROOT,
        env=contract_check.container_env(opt_ml),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "train|serve" in result.stderr
