"""Fake AWS credentials, in-process local AWS (moto) seeded like the stage accounts, one built definition."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

REGION = "eu-west-1"
PROJECT = "churn"
DEV_BUCKET = "mlops-dev-artifacts"
STAGE_BUCKET = "mlops-preprod-artifacts"
DEV_ROLE = "arn:aws:iam::123456789012:role/churn-pipeline"
STAGE_PIPELINE_ROLE = "arn:aws:iam::123456789012:role/mlops-sagemaker-pipeline"
STAGE_EXECUTION_ROLE = "arn:aws:iam::123456789012:role/mlops-sagemaker-execution"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
}


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def definition_bytes() -> bytes:
    import os

    os.environ.update(FAKE_ENV)
    from pipelines import config, promote

    return promote.build_definition(config.load(), REGION, PROJECT)


@pytest.fixture(scope="session")
def definition(definition_bytes: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(definition_bytes)
    return loaded


@pytest.fixture
def session(fake_aws_environment: None) -> Iterator[boto3.Session]:
    from moto import mock_aws

    with mock_aws():
        session = boto3.Session(region_name=REGION)
        s3 = session.client("s3")
        for bucket in (DEV_BUCKET, STAGE_BUCKET):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        ssm = session.client("ssm")
        for name, value in {
            "/mlops/s3/artifact_bucket": STAGE_BUCKET,
            "/mlops/sagemaker/pipeline_role_arn": STAGE_PIPELINE_ROLE,
            "/mlops/sagemaker/execution_role_arn": STAGE_EXECUTION_ROLE,
        }.items():
            ssm.put_parameter(Name=name, Value=value, Type="String")
        yield session
