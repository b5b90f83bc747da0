"""Each test gets a fresh in-process local AWS (moto) seeded like a stage account, and the deploy clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy import config, local
from deploy.stage import Clients


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "GITHUB_OUTPUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in local.FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def clients(fake_aws_environment: None) -> Iterator[Clients]:
    from moto import mock_aws

    with mock_aws():
        import boto3

        sagemaker, s3, ssm = local.clients()
        local.seed_platform(ssm, s3)
        yield Clients(sagemaker, s3, ssm, boto3.client("scheduler", region_name=local.REGION))


@pytest.fixture(scope="session")
def settings() -> config.Config:
    return config.load()


@pytest.fixture(scope="session")
def good_model() -> local.Model:
    return local.train_stand_in_model()
