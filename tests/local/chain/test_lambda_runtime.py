"""The local Lambda runtime: every Invoke in local AWS runs the stored zip's handler in a child process."""

from __future__ import annotations

import json
from typing import Any

from .functions import create_function


def _invoke(lambda_client: Any, name: str, event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event).encode())
    answer["Body"] = json.loads(answer["Payload"].read())
    return answer


def test_invoke_runs_the_handler_from_the_zip_with_the_function_environment(lambda_client: Any, iam: Any) -> None:
    function = create_function(lambda_client, iam, "whoami")
    body = _invoke(lambda_client, function["FunctionName"], {"say": "hi"})["Body"]
    assert body["greeting"] == "hello"
    assert body["memory"] == "256"


def test_the_handler_calls_local_aws_as_its_execution_role_not_as_the_caller(lambda_client: Any, iam: Any) -> None:
    function = create_function(lambda_client, iam, "whoami")
    body = _invoke(lambda_client, function["FunctionName"], {})["Body"]
    role_name = function["Role"].rsplit("/", 1)[-1]
    assert f":assumed-role/{role_name}/" in body["arn"]
    assert body["secret_key_is_callers"] is False


def test_a_raised_error_is_a_function_error_with_its_message(lambda_client: Any, iam: Any) -> None:
    function = create_function(lambda_client, iam, "fail")
    answer = _invoke(lambda_client, function["FunctionName"], {})
    assert answer["FunctionError"] == "Handled"
    assert answer["Body"] == {"errorMessage": "dispatch failed: forge answered 502", "errorType": "RuntimeError"}


def test_a_handler_running_past_the_timeout_is_stopped_as_lambda_does(lambda_client: Any, iam: Any) -> None:
    function = create_function(lambda_client, iam, "sleep", timeout=1)
    answer = _invoke(lambda_client, function["FunctionName"], {})
    assert answer["FunctionError"] == "Handled"
    assert answer["Body"]["errorMessage"] == "Task timed out after 1.00 seconds"


def test_the_invocation_logs_go_to_the_function_log_group(lambda_client: Any, iam: Any, logs: Any) -> None:
    function = create_function(lambda_client, iam, "whoami")
    _invoke(lambda_client, function["FunctionName"], {"say": "logged-line-42"})
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function['FunctionName']}")["events"]
    messages = [event["message"] for event in events]
    assert "handling logged-line-42" in messages
    assert any(message.startswith("REPORT RequestId:") for message in messages)
