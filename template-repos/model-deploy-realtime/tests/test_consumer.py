"""The example consumer: its Lambda handler against a local SageMaker runtime stand-in (a real HTTP server on
127.0.0.1 that boto3 talks to), its configuration, its template as deployed, and its stack's lifecycle."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
import yaml

from consumer import handler as consumer_handler
from deploy import config as deploy_config
from deploy import consumer
from deploy.errors import DeployError

ENDPOINT = "churn-preprod"


@dataclass
class RuntimeStandIn:
    """SageMaker runtime's InvokeEndpoint on 127.0.0.1: scores CSV rows with a local model, records each request."""

    score: Callable[[np.ndarray], np.ndarray]
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with_model_error: bool = False
    url: str = ""

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(
            {"path": path, "content_type": headers["Content-Type"], "accept": headers["Accept"], "body": body}
        )
        if not path.startswith(f"/endpoints/{ENDPOINT}/invocations"):
            return 400, {"x-amzn-ErrorType": "ValidationError"}, json.dumps({"message": "Endpoint not found"}).encode()
        if self.fail_with_model_error:
            error = {"message": "Received client error (400) from primary with message: bad input"}
            return 424, {"x-amzn-ErrorType": "ModelError"}, json.dumps(error).encode()
        rows = np.genfromtxt(body.decode().splitlines(), delimiter=",", ndmin=2)
        rows = np.where(np.isnan(rows), 0.0, rows)
        return 200, {"Content-Type": "text/csv"}, "".join(f"{s:.6f}\n" for s in self.score(rows)).encode()


@pytest.fixture
def runtime_stand_in(good_model: Any) -> Iterator[RuntimeStandIn]:
    stand_in = RuntimeStandIn(score=good_model)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status, headers, answer = stand_in.answer(self.path, self.headers, body)
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(answer))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def runtime(runtime_stand_in: RuntimeStandIn) -> Any:
    return boto3.client("sagemaker-runtime", region_name="eu-west-1", endpoint_url=runtime_stand_in.url)


def _rows(count: int) -> list[list[float]]:
    payload = deploy_config.load().smoke_payload.read_text().splitlines()
    return [[float(v) for v in line.split(",")] for line in payload[:count]]


def _event(body: Any) -> dict[str, Any]:
    return {"httpMethod": "POST", "path": "/predict", "body": body if isinstance(body, str) else json.dumps(body)}


# --- the handler ------------------------------------------------------------------------------------------------


def test_rows_are_scored_by_the_endpoint_one_prediction_a_row(runtime: Any, runtime_stand_in: RuntimeStandIn) -> None:
    rows = _rows(3)
    answer = consumer_handler.handle(_event({"rows": rows}), runtime, ENDPOINT)
    assert answer["statusCode"] == 200
    predictions = json.loads(answer["body"])["predictions"]
    assert np.allclose(predictions, runtime_stand_in.score(np.array(rows)), atol=1e-6)
    (request,) = runtime_stand_in.requests
    assert (request["content_type"], request["accept"]) == ("text/csv", "text/csv")
    assert len(request["body"].decode().splitlines()) == 3


def test_a_missing_feature_is_sent_as_an_empty_csv_field(runtime: Any, runtime_stand_in: RuntimeStandIn) -> None:
    row: list[float | None] = list(_rows(1)[0])
    row[2] = None
    assert consumer_handler.handle(_event({"rows": [row]}), runtime, ENDPOINT)["statusCode"] == 200
    fields = runtime_stand_in.requests[0]["body"].decode().strip().split(",")
    assert fields[2] == "" and len(fields) == len(row)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "the body must be JSON"),
        ({"rows": []}, '"rows": a non-empty list'),
        ({"rows": [[1.0, "x"]]}, "row 1 holds 'x'"),
        ({"rows": [[1.0]] * 101}, "at most 100 rows a request (got 101)"),
    ],
)
def test_a_bad_request_is_answered_400_without_calling_the_endpoint(
    runtime: Any, runtime_stand_in: RuntimeStandIn, body: Any, reason: str
) -> None:
    answer = consumer_handler.handle(_event(body), runtime, ENDPOINT)
    assert answer["statusCode"] == 400
    assert reason in json.loads(answer["body"])["error"]
    assert runtime_stand_in.requests == []


def test_a_model_error_of_the_endpoint_is_answered_502(runtime: Any, runtime_stand_in: RuntimeStandIn) -> None:
    runtime_stand_in.fail_with_model_error = True
    answer = consumer_handler.handle(_event({"rows": _rows(1)}), runtime, ENDPOINT)
    assert answer["statusCode"] == 502
    assert "could not score" in json.loads(answer["body"])["error"]


def test_the_lambda_entry_point_calls_the_endpoint_named_in_its_environment(
    runtime_stand_in: RuntimeStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENDPOINT_NAME", ENDPOINT)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", runtime_stand_in.url)
    monkeypatch.setattr(consumer_handler, "_runtime", None)
    answer = consumer_handler.handler(_event({"rows": _rows(2)}), None)
    assert answer["statusCode"] == 200 and len(json.loads(answer["body"])["predictions"]) == 2
    assert runtime_stand_in.requests[0]["path"] == f"/endpoints/{ENDPOINT}/invocations"


# --- configuration ----------------------------------------------------------------------------------------------


def _config_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(deploy_config.DEFAULT_CONFIG.read_text())
    return data


def test_the_consumer_is_off_in_the_shipped_config_and_its_example_settings_are_valid() -> None:
    assert consumer.load().enabled is False
    data = _config_data()
    data["consumer"]["enabled"] = True
    enabled = consumer.parse(data)
    assert enabled.allowed_cidrs == ["203.0.113.0/24"]
    assert (enabled.rate_limit, enabled.burst_limit, enabled.reserved_concurrency) == (10.0, 20, 5)


@pytest.mark.parametrize(
    ("cidrs", "reason"),
    [
        (["0.0.0.0/0"], "allows everyone"),
        (["::/0"], "allows everyone"),
        (["10.0.0.1/8"], "not a CIDR"),
        ([], "must list the caller IP ranges"),
    ],
)
def test_an_allow_list_that_is_not_a_list_of_caller_ranges_is_refused(cidrs: list[str], reason: str) -> None:
    data = _config_data()
    data["consumer"].update(enabled=True, allowed_cidrs=cidrs)
    with pytest.raises(DeployError, match=reason):
        consumer.parse(data)


# --- the template as deployed -------------------------------------------------------------------------------------

ENABLED = consumer.ConsumerConfig(enabled=True, allowed_cidrs=["198.51.100.0/24"], rate_limit=5, burst_limit=10)


def _rendered(config: consumer.ConsumerConfig = ENABLED) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(consumer.render(consumer.parameters(ENDPOINT, config)))
    return result


def test_the_function_runs_the_handler_file_tested_here() -> None:
    code = _rendered()["Resources"]["Function"]["Properties"]["Code"]["ZipFile"]
    assert code == Path(consumer_handler.__file__).read_text()


def test_the_function_role_may_invoke_only_the_stage_endpoint() -> None:
    (policy,) = _rendered()["Resources"]["FunctionRole"]["Properties"]["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    invoke = statements["InvokeTheStageEndpointOnly"]
    assert invoke["Action"] == "sagemaker:InvokeEndpoint"
    assert invoke["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/${EndpointName}"
    }
    assert statements["WriteItsOwnLogs"]["Resource"] == {"Fn::GetAtt": ["FunctionLogs", "Arn"]}
    assert all(a.startswith("logs:") for a in statements["WriteItsOwnLogs"]["Action"])
    assert set(statements) == {"InvokeTheStageEndpointOnly", "WriteItsOwnLogs"}


def test_the_api_denies_every_caller_outside_the_allow_list() -> None:
    api = _rendered()["Resources"]["Api"]["Properties"]
    (deny,) = [s for s in api["Policy"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"NotIpAddress": {"aws:SourceIp": {"Ref": "AllowedCidrs"}}}
    params = {p["ParameterKey"]: p["ParameterValue"] for p in consumer.parameters(ENDPOINT, ENABLED)}
    assert params["AllowedCidrs"] == "198.51.100.0/24"


def test_the_stage_is_throttled_from_the_config() -> None:
    (setting,) = _rendered()["Resources"]["Stage"]["Properties"]["MethodSettings"]
    assert (setting["ThrottlingRateLimit"], setting["ThrottlingBurstLimit"]) == (
        {"Ref": "RateLimit"},
        {"Ref": "BurstLimit"},
    )
    params = {p["ParameterKey"]: p["ParameterValue"] for p in consumer.parameters(ENDPOINT, ENABLED)}
    assert (params["RateLimit"], params["BurstLimit"], params["ReservedConcurrency"]) == ("5", "10", "5")


def test_a_new_allow_list_redeploys_the_api() -> None:
    def deployment(config: consumer.ConsumerConfig) -> str:
        resources = _rendered(config)["Resources"]
        (name,) = [n for n, r in resources.items() if r["Type"] == "AWS::ApiGateway::Deployment"]
        assert resources["Stage"]["Properties"]["DeploymentId"] == {"Ref": name}
        return name

    assert deployment(ENABLED) == deployment(ENABLED)
    assert deployment(ENABLED) != deployment(replace(ENABLED, allowed_cidrs=["192.0.2.0/24"]))


def test_the_stack_name_starts_with_the_naming_prefix_and_fits_a_function_name() -> None:
    assert consumer.stack_name("mlops", "churn", "prod") == "mlops-churn-prod-consumer"
    long = consumer.stack_name("mlops", "p" * 80, "preprod")
    assert long.startswith("mlops-") and long.endswith("-consumer") and len(f"{long}-role") <= 64
