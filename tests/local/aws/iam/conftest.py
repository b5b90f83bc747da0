"""A strict local AWS for the IAM evaluator's tests, and principals built in it with exactly the policies a test
names."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws


@pytest.fixture(scope="package")
def strict_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    local = LocalAws(tmp_path_factory.mktemp("strict-aws"), iam_mode="strict")
    local.up()
    try:
        yield local
    finally:
        local.down()


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


class Principals:
    """Creates roles in an account of local AWS (as its administrator) and sessions of them."""

    def __init__(self, local: LocalAws) -> None:
        self.local = local

    def account(self, env: str) -> str:
        return self.local.info().accounts[env]

    def admin(self, env: str = "dev") -> boto3.Session:
        return self.local.session_for(env)

    def role(
        self,
        *statements: dict[str, Any],
        env: str = "dev",
        boundary: list[dict[str, Any]] | None = None,
        trust: str | None = None,
        name: str | None = None,
    ) -> str:
        """A role with one inline policy of ``statements`` (and a boundary); its ARN."""
        iam = self.admin(env).client("iam")
        name = name or f"test-{uuid.uuid4().hex[:10]}"
        account = self.account(env)
        trust = trust or document(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
        )
        extra: dict[str, Any] = {}
        if boundary is not None:
            arn = iam.create_policy(PolicyName=f"{name}-boundary", PolicyDocument=document(*boundary))["Policy"]["Arn"]
            extra["PermissionsBoundary"] = arn
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **extra)["Role"]
        if statements:
            iam.put_role_policy(RoleName=name, PolicyName="test", PolicyDocument=document(*statements))
        return str(role["Arn"])

    def session(self, role_arn: str, env: str = "dev", via: boto3.Session | None = None) -> boto3.Session:
        """A session of ``role_arn``, assumed by the account's administrator (or by ``via``)."""
        sts = (via or self.admin(env)).client("sts", endpoint_url=self.local.info().endpoint_url)
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="iam-test")["Credentials"]
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self.local.region,
        )

    def client(self, session: boto3.Session, service: str) -> Any:
        return session.client(service, endpoint_url=self.local.info().endpoint_url)


@pytest.fixture(scope="package")
def principals(strict_aws: LocalAws) -> Principals:
    return Principals(strict_aws)


def denial(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    """(error code, message, HTTP status) of a refused call."""
    response = error.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def decisions(local: LocalAws) -> list[dict[str, Any]]:
    path = Path(local.decisions_file)
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
