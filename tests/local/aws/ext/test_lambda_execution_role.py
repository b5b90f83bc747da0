"""Lambda checks a function's execution role as AWS does: it must trust lambda.amazonaws.com, and be allowed to send
to the function's dead-letter queue; moto only checked that the role exists."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws

from .conftest import unique


def _role(iam: Any, service: str, allowed: list[str] | None = None) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    name = unique("fn-role")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if allowed:
        statement = {"Effect": "Allow", "Action": allowed, "Resource": "*"}
        document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        iam.put_role_policy(RoleName=name, PolicyName="grants", PolicyDocument=document)
    return arn


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _create(lambdas: Any, role: str, **more: Any) -> dict[str, Any]:
    created: dict[str, Any] = lambdas.create_function(
        FunctionName=unique("fn"),
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _code()},
        **more,
    )
    return created


@pytest.fixture
def clients(local_aws: LocalAws) -> tuple[Any, Any]:
    session = local_aws.session_for("dev")
    return session.client("iam"), session.client("lambda")


def test_a_function_whose_role_does_not_trust_lambda_is_refused_as_aws_refuses_it(clients: tuple[Any, Any]) -> None:
    iam, lambdas = clients
    with pytest.raises(ClientError) as error:
        _create(lambdas, _role(iam, "ec2.amazonaws.com"))
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert error.value.response["Error"]["Message"] == "The role defined for the function cannot be assumed by Lambda."


def test_a_function_whose_role_trusts_lambda_is_created(clients: tuple[Any, Any]) -> None:
    iam, lambdas = clients
    role = _role(iam, "lambda.amazonaws.com")
    assert _create(lambdas, role)["Role"] == role


def test_moving_a_function_to_a_role_that_does_not_trust_lambda_is_refused_and_keeps_its_role(
    clients: tuple[Any, Any],
) -> None:
    iam, lambdas = clients
    trusted = _role(iam, "lambda.amazonaws.com")
    name = _create(lambdas, trusted)["FunctionName"]
    with pytest.raises(ClientError) as error:
        lambdas.update_function_configuration(FunctionName=name, Role=_role(iam, "sagemaker.amazonaws.com"))
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert lambdas.get_function_configuration(FunctionName=name)["Role"] == trusted


def _queue(local_aws: LocalAws) -> str:
    sqs = local_aws.session_for("dev").client("sqs")
    url = sqs.create_queue(QueueName=unique("dead-letters"))["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def test_a_function_whose_role_may_not_send_to_its_dead_letter_queue_is_refused(
    clients: tuple[Any, Any], local_aws: LocalAws
) -> None:
    iam, lambdas = clients
    with pytest.raises(ClientError) as error:
        _create(lambdas, _role(iam, "lambda.amazonaws.com"), DeadLetterConfig={"TargetArn": _queue(local_aws)})
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "does not have permissions to call SendMessage on SQS" in error.value.response["Error"]["Message"]


def test_a_function_whose_role_may_send_to_its_dead_letter_queue_is_created(
    clients: tuple[Any, Any], local_aws: LocalAws
) -> None:
    iam, lambdas = clients
    queue = _queue(local_aws)
    role = _role(iam, "lambda.amazonaws.com", ["sqs:SendMessage"])
    assert _create(lambdas, role, DeadLetterConfig={"TargetArn": queue})["DeadLetterConfig"]["TargetArn"] == queue
