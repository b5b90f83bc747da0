"""How the CLI's AWS clients talk to the network: bounded connect/read timeouts and a bounded number of retries.

Every boto3 client the CLI makes comes from :func:`aws_session` (or :func:`aws_client`), whose botocore session
carries :data:`AWS_CLIENT_CONFIG` as the default of every client it creates; a client that needs a longer read
(a call AWS answers slowly) merges its own ``Config`` over it. botocore's own defaults (60 s to connect, legacy
retries) would keep a command waiting minutes on an unreachable network. GitHub clients get their timeout and
retry bounds from ``platform_cli.github.client.ClientPolicy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Seconds to open a connection, seconds to wait for an answer, and attempts in all (first one included).
AWS_CONNECT_TIMEOUT = 5.0
AWS_READ_TIMEOUT = 60.0
AWS_MAX_ATTEMPTS = 3


def aws_client_config() -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=AWS_CONNECT_TIMEOUT,
        read_timeout=AWS_READ_TIMEOUT,
        retries={"total_max_attempts": AWS_MAX_ATTEMPTS, "mode": "standard"},
    )


def aws_session(
    region: str | None = None, profile: str | None = None, credentials: Mapping[str, str] | None = None
) -> Any:
    """A boto3 session whose every client has the CLI's timeouts and retry bound: ``profile`` and ``region`` as
    given, else from the environment, as boto3 resolves them; ``credentials`` (an STS ``Credentials`` answer)
    instead of the profile's."""
    import boto3
    import botocore.session

    core = botocore.session.get_session()
    core.set_default_client_config(aws_client_config())
    keys: dict[str, str] = {}
    if credentials is not None:
        keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
    return boto3.Session(botocore_session=core, region_name=region, profile_name=profile, **keys)


def aws_client(service: str, region: str | None = None) -> Any:
    """One client of the default session (profile and region from the environment), with the CLI's bounds."""
    return aws_session(region).client(service)
