"""moto extension: Lambda functions report the dead-letter queue and logging configuration they were given."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platform_cli.local.moto_ext import lambda_function_configuration

REGION = "eu-west-1"
DLQ = "arn:aws:sqs:eu-west-1:123456789012:dead-letters"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


@pytest.fixture
def lambdas() -> Iterator[Any]:
    lambda_function_configuration.register()
    with mock_aws():
        keys = {"region_name": REGION, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        role = boto3.client("iam", **keys).create_role(
            RoleName="fn", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}'
        )["Role"]["Arn"]
        client = boto3.client("lambda", **keys)
        client.create_function(
            FunctionName="fn",
            Runtime="python3.12",
            Role=role,
            Handler="handler.handler",
            Code={"ZipFile": _zip()},
            DeadLetterConfig={"TargetArn": DLQ},
            LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/fn"},
        )
        yield client


def test_the_dead_letter_queue_is_reported(lambdas: Any) -> None:
    assert lambdas.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {"TargetArn": DLQ}


def test_the_logging_configuration_is_reported(lambdas: Any) -> None:
    logging = lambdas.get_function_configuration(FunctionName="fn")["LoggingConfig"]
    assert logging == {"LogFormat": "Text", "LogGroup": "/custom/fn"}


def test_an_update_changes_the_reported_configuration(lambdas: Any) -> None:
    lambdas.update_function_configuration(
        FunctionName="fn", LoggingConfig={"LogFormat": "JSON", "LogGroup": "/other/fn"}, DeadLetterConfig={}
    )

    configuration = lambdas.get_function(FunctionName="fn")["Configuration"]
    assert configuration["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": "/other/fn"}
    assert "DeadLetterConfig" not in configuration
