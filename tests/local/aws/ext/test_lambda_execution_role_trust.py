"""A function's execution role must trust Lambda: AWS refuses CreateFunction and UpdateFunctionConfiguration with a
role whose trust policy does not allow lambda.amazonaws.com; moto only checked that the role exists."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws

from .conftest import unique


def _role(iam: Any, service: str) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    arn: str = iam.create_role(RoleName=unique("fn-role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    return arn


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _create(lambdas: Any, role: str) -> dict[str, Any]:
    created: dict[str, Any] = lambdas.create_function(
        FunctionName=unique("fn"), Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": _code()}
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
