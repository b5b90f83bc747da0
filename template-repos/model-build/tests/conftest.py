"""Shared fixtures: fake AWS credentials, in-process local AWS (moto), and one built pipeline definition."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

REGION = "eu-west-1"
BUCKET = "mlops-dev-artifacts"
ROLE = "arn:aws:iam::111111111111:role/mlops-sagemaker-pipeline"
GROUP = "churn-p-abc123"
PROJECT = "churn"

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
}


@pytest.fixture(scope="session", autouse=True)
def fake_aws_environment() -> Iterator[None]:
    """No test may reach a real AWS account: fake credentials, and no endpoint or profile from the caller."""
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def local_aws(fake_aws_environment: None) -> Iterator[None]:
    """Local AWS in-process (moto) with the artifact bucket the platform creates."""
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield


@pytest.fixture(scope="session")
def definition(local_aws: None) -> dict[str, Any]:
    """The pipeline definition built from config.yaml, as SageMaker receives it."""
    from pipelines import config
    from pipelines.pipeline import get_pipeline, pipeline_session

    pipeline = get_pipeline(
        config=config.load(),
        session=pipeline_session(REGION, BUCKET),
        role=ROLE,
        pipeline_name=f"{PROJECT}-build",
        model_package_group_name=GROUP,
        base_job_prefix=PROJECT,
    )
    result: dict[str, Any] = json.loads(pipeline.definition())
    return result


@pytest.fixture(scope="session")
def local_run_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One local end-to-end run on the bundled sample data (shared by the tests that inspect its report)."""
    from pipelines import config, run_local

    output = tmp_path_factory.mktemp("local")
    return run_local.run(config.load(), output), output
