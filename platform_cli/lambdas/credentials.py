"""GitHub credentials read from Secrets Manager at run time and cached across invocations (with a TTL, so a
rotated secret is picked up), every value registered with the log redactor before it can be logged."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from github import Auth

from platform_cli.github.client import build_auth
from platform_cli.github.credentials import GitHubCredentials, parse_credentials
from platform_cli.lambdas.exceptions import LambdaError
from platform_cli.lambdas.jsonlog import REDACTOR


class CredentialCache:
    """``get()`` returns the credentials and a reusable PyGithub ``Auth`` (App installation tokens are reused)."""

    def __init__(
        self,
        secrets_client: Callable[[], Any],
        secret_id: str,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_factory = secrets_client
        self._client: Any = None
        self.secret_id = secret_id
        self.ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._value: tuple[float, GitHubCredentials, Auth.Auth] | None = None
        self.reads = 0

    def _read(self) -> str:
        if self._client is None:
            self._client = self._client_factory()
        try:
            response = self._client.get_secret_value(SecretId=self.secret_id)
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
            raise LambdaError(
                f"cannot read the GitHub credential secret {self.secret_id} ({code}); "
                "check it exists and the Lambda role may read it, then run `mlops github set-credentials`"
            ) from None
        self.reads += 1
        value = response.get("SecretString")
        if not isinstance(value, str) or not value.strip():
            raise LambdaError(
                f"the GitHub credential secret {self.secret_id} is empty; run `mlops github set-credentials`"
            )
        REDACTOR.register(value)
        return value

    def get(self) -> tuple[GitHubCredentials, Auth.Auth]:
        with self._lock:
            now = self._clock()
            if self._value is not None and now - self._value[0] < self.ttl:
                return self._value[1], self._value[2]
            credentials = parse_credentials(self._read())
            for secret in (credentials.token, credentials.private_key):
                if secret is not None:
                    REDACTOR.register(secret.reveal())
            auth = build_auth(credentials)
            self._value = (now, credentials, auth)
            return credentials, auth

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


SECRET_ARN_PARAMETER = "/mlops/github/credentials_secret_arn"


def default_secret_name(naming_prefix: str) -> str:
    """Name of the credential secret when base infrastructure has not published its ARN in SSM yet."""
    return f"{naming_prefix}/github/credentials"


def find_secret_id(ssm: Any, naming_prefix: str) -> str:
    """The secret's ARN from SSM (``/mlops/github/credentials_secret_arn``), else the default name."""
    try:
        value = ssm.get_parameter(Name=SECRET_ARN_PARAMETER)["Parameter"]["Value"]
        return str(value)
    except Exception:
        return default_secret_name(naming_prefix)


def store_credentials(secrets: Any, secret_id: str, credentials: GitHubCredentials) -> str:
    """Write the value of the secret Terraform created (base-infrastructure owns the secret's lifecycle; this
    only writes values); returns ``updated``. The value is never logged."""
    value = credentials.to_secret_string()
    REDACTOR.register(value)
    try:
        secrets.put_secret_value(SecretId=secret_id, SecretString=value)
        return "updated"
    except Exception as error:
        code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise LambdaError(
                f"the GitHub credential secret {secret_id} does not exist yet: apply base-infrastructure in dev "
                "first (Terraform creates it, empty), then run `mlops github set-credentials` again"
            ) from None
        if not code:  # no answer from AWS at all: the network, a proxy or the endpoint, not a permission
            raise LambdaError(
                f"cannot reach AWS Secrets Manager to write {secret_id} ({type(error).__name__}); check the "
                "network (or HTTPS_PROXY) and AWS_PROFILE, then retry"
            ) from None
        raise LambdaError(
            f"cannot write the GitHub credential secret {secret_id} ({code}); check your AWS credentials and "
            "permissions"
        ) from None
