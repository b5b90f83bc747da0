"""The one AWS call the runner makes itself: assuming a role in each account (STS client passed in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platform_cli.bootstrap.exceptions import CredentialsError
from platform_cli.bootstrap.runner import AssumeRole

SESSION_NAME = "mlops-bootstrap"


def sts_assume_role(sts_client: Any, duration_seconds: int = 3600) -> AssumeRole:
    """An ``AssumeRole`` that calls STS with ``sts_client`` (whose endpoint and credentials the caller chose)."""

    def assume(role_arn: str) -> Mapping[str, str]:
        try:
            response = sts_client.assume_role(
                RoleArn=role_arn, RoleSessionName=SESSION_NAME, DurationSeconds=duration_seconds
            )
        except Exception as error:  # botocore's ClientError, NoCredentialsError, EndpointConnectionError ...
            code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
            raise CredentialsError(
                f"cannot assume {role_arn} ({code}); check your credentials or pass --profile ENV=PROFILE"
            ) from None
        credentials = response["Credentials"]
        return {key: str(credentials[key]) for key in ("AccessKeyId", "SecretAccessKey", "SessionToken")}

    return assume
