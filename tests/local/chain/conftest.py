"""Clients of the dev account of the session's local AWS server (the real server process runs the functions)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from platform_cli.local.aws import LocalAws


@pytest.fixture
def dev(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session_for("dev")


@pytest.fixture
def lambda_client(dev: boto3.Session) -> Any:
    return dev.client("lambda")


@pytest.fixture
def iam(dev: boto3.Session) -> Any:
    return dev.client("iam")


@pytest.fixture
def logs(dev: boto3.Session) -> Any:
    return dev.client("logs")
