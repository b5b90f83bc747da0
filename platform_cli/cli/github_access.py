"""How the CLI reaches GitHub: the same credential secret the Lambdas read (or ``MLOPS_GITHUB_TOKEN`` for a
one-off run), the same client policy. Shared by ``mlops org`` and ``mlops project``."""

from __future__ import annotations

import os
from typing import Any

from github import Github

from platform_cli.config import PlatformConfig
from platform_cli.github.budget import WriteBudget
from platform_cli.github.client import ClientPolicy, build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.credentials import CredentialCache, find_secret_id
from platform_cli.lambdas.jsonlog import REDACTOR

TOKEN_ENV = "MLOPS_GITHUB_TOKEN"


def is_local() -> bool:
    """Local AWS (the embedded default) when an endpoint override is set."""
    return bool(os.environ.get("AWS_ENDPOINT_URL"))


def aws_session(config: PlatformConfig) -> Any:
    import boto3

    return boto3.Session(region_name=config.aws.region)


def write_pacing() -> float:
    default = "0" if is_local() else "1"
    return float(os.environ.get("MLOPS_WRITE_PACING_SECONDS", default))


def credentials(config: PlatformConfig, session: Any | None = None) -> tuple[GitHubCredentials, Any, str]:
    """``(credentials, auth, secret id)``: ``MLOPS_GITHUB_TOKEN`` if set, else the credential secret."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        REDACTOR.register(token)
        creds = GitHubCredentials.pat(token)
        from platform_cli.github.client import build_auth

        return creds, build_auth(creds), f"env:{TOKEN_ENV}"
    session = session or aws_session(config)
    secret_id = find_secret_id(session.client("ssm"), config.naming_prefix)
    cache = CredentialCache(lambda: session.client("secretsmanager"), secret_id)
    creds, auth = cache.get()
    return creds, auth, secret_id


_budget: WriteBudget | None = None


def write_budget() -> WriteBudget:
    """GitHub's write budget for this process: every client the CLI builds draws from it (``budget.py``)."""
    global _budget
    if _budget is None:
        _budget = WriteBudget()
    return _budget


def github_client(config: PlatformConfig, deadline: Deadline | None = None, session: Any | None = None) -> Github:
    creds, auth, _ = credentials(config, session)
    policy = ClientPolicy(seconds_between_writes=write_pacing())
    return build_client(creds, config.github.api_url, deadline, policy, auth=auth, budget=write_budget())
