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
def aws(fake_aws_environment: None) -> Iterator[tuple[Clients, object]]:
    from moto import mock_aws

    with mock_aws():
        sagemaker, runtime, autoscaling, ssm, s3 = local.clients()
        local.seed_platform(ssm, s3)
        yield Clients(sagemaker, runtime, autoscaling, ssm), s3


@pytest.fixture
def clients(aws: tuple[Clients, object]) -> Clients:
    return aws[0]


@pytest.fixture(scope="session")
def settings() -> config.Config:
    return config.load()


@pytest.fixture(scope="session")
def good_model() -> object:
    return local.train_stand_in_model()
