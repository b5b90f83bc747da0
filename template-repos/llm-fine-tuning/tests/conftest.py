"""Fake AWS credentials, in-process local AWS (moto), one built pipeline definition, one local fine-tuning run."""

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
GROUP = "assistant-p-abc123"
PROJECT = "assistant"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


@pytest.fixture(scope="session", autouse=True)
def fake_aws_environment() -> Iterator[None]:
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCOUNT_ID", "GITHUB_OUTPUT"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def local_aws(fake_aws_environment: None) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield


def build(pipeline_name: str = f"{PROJECT}-llm") -> dict[str, Any]:
    from pipelines import config
    from pipelines.pipeline import get_pipeline, pipeline_session

    pipeline = get_pipeline(
        config=config.load(),
        session=pipeline_session(REGION, BUCKET),
        role=ROLE,
        pipeline_name=pipeline_name,
        model_package_group_name=GROUP,
        base_job_prefix=PROJECT,
    )
    result: dict[str, Any] = json.loads(pipeline.definition())
    return result


@pytest.fixture(scope="session")
def definition(local_aws: None) -> dict[str, Any]:
    return build()


@pytest.fixture(scope="session")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One local fine-tuning run of the tiny model (CPU), shared by the tests that inspect it."""
    pytest.importorskip("torch", reason="torch is not installed: the local fine-tuning tests are skipped")
    from pipelines import config, run_local

    output = tmp_path_factory.mktemp("llm")
    return run_local.run(config.load(), output), output
