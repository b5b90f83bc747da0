"""How the CLI reaches GitHub, the same client policy as the Lambdas. Shared by ``mlops org`` and ``mlops project``.

The token is found, in this order:

1. ``MLOPS_GITHUB_TOKEN``: a PAT or an App installation token (for example from ``gh auth token``);
   ``MLOPS_GITHUB_TOKEN_FILE``: a file holding one (``mlops local env`` points it at the local forge's owner
   token, so the token itself is never printed);
2. ``MLOPS_GITHUB_APP_KEY_FILE``: the GitHub App's private key file (.pem), with ``github.app_id`` and
   ``github.installation_id`` of platform.yaml;
3. the platform's credential secret, readable only by the roles its policy admits (the provisioning Lambdas; on
   local AWS, everyone). On AWS an admin's own role is refused, so use 1 or 2 there.

When none gives a token the command fails with one line naming these options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from github import Github

from platform_cli.cli import network
from platform_cli.config import PlatformConfig
from platform_cli.errors import PlatformError
from platform_cli.github.budget import WriteBudget
from platform_cli.github.client import ClientPolicy, build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.credentials import CredentialCache, find_secret_id
from platform_cli.lambdas.exceptions import LambdaError
from platform_cli.lambdas.jsonlog import REDACTOR

TOKEN_ENV = "MLOPS_GITHUB_TOKEN"
TOKEN_FILE_ENV = "MLOPS_GITHUB_TOKEN_FILE"
APP_KEY_ENV = "MLOPS_GITHUB_APP_KEY_FILE"
NO_TOKEN = (
    f"no GitHub token for the CLI: set {TOKEN_ENV} (a PAT or App installation token), {TOKEN_FILE_ENV} (a file "
    f"holding one; `mlops local env` sets it for the local forge) or {APP_KEY_ENV} (the "
    "App's .pem, with github.app_id/installation_id in platform.yaml); the credential secret is readable only by "
    "the provisioning Lambdas"
)


def aws_session(config: PlatformConfig) -> Any:
    """The session every AWS call of the CLI goes through: platform.yaml's region, bounded timeouts and retries."""
    return network.aws_session(config.aws.region)


def credentials(config: PlatformConfig, session: Any | None = None) -> tuple[GitHubCredentials, Any, str]:
    """``(credentials, auth, secret id)``: ``MLOPS_GITHUB_TOKEN`` (or its file) if set, else the credential
    secret."""
    found = environment_token()
    if found is not None:
        token = found[1]
        REDACTOR.register(token)
        creds = GitHubCredentials.pat(token)
        from platform_cli.github.client import build_auth

        return creds, build_auth(creds), f"env:{TOKEN_ENV}"
    key_file = os.environ.get(APP_KEY_ENV)
    if key_file:
        return _app_key_credentials(config, Path(key_file))
    session = session or aws_session(config)
    secret_id = find_secret_id(session.client("ssm"), config.naming_prefix)
    cache = CredentialCache(lambda: session.client("secretsmanager"), secret_id)
    try:
        creds, auth = cache.get()
    except LambdaError as error:
        raise PlatformError(f"{NO_TOKEN} ({str(error).split(';')[0]})") from None
    return creds, auth, secret_id


def environment_token() -> tuple[str, str] | None:
    """``(variable, token)`` from ``MLOPS_GITHUB_TOKEN``, else the file ``MLOPS_GITHUB_TOKEN_FILE`` names; None when
    neither is set. The one reader of the admin's own token (``mlops doctor`` checks the token the CLI uses)."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        return TOKEN_ENV, token
    from_file = _token_from_file(os.environ.get(TOKEN_FILE_ENV))
    return (TOKEN_FILE_ENV, from_file) if from_file else None


def _token_from_file(path: str | None) -> str | None:
    """The token in ``MLOPS_GITHUB_TOKEN_FILE`` (white space stripped); None when the variable is unset."""
    if not path:
        return None
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise PlatformError(
            f"{TOKEN_FILE_ENV}={path}: {error.strerror}; run `mlops local up` again, or unset {TOKEN_FILE_ENV}"
        ) from None
    if not token:
        raise PlatformError(f"{TOKEN_FILE_ENV}={path} is empty; put a GitHub token in it or unset {TOKEN_FILE_ENV}")
    return token


def _app_key_credentials(config: PlatformConfig, path: Path) -> tuple[GitHubCredentials, Any, str]:
    from platform_cli.github.client import build_auth

    if config.github.app_id is None or config.github.installation_id is None:
        raise PlatformError(f"{APP_KEY_ENV} needs github.app_id and github.installation_id in platform.yaml")
    try:
        pem = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlatformError(f"{APP_KEY_ENV}={path}: {error.strerror}; point it at the App's .pem file") from None
    REDACTOR.register(pem)
    creds = GitHubCredentials.app(config.github.app_id, config.github.installation_id, pem)
    return creds, build_auth(creds), f"env:{APP_KEY_ENV}"


_budget: WriteBudget | None = None


def write_budget() -> WriteBudget:
    """GitHub's write budget for this process: every client the CLI builds draws from it (``budget.py``)."""
    global _budget
    if _budget is None:
        from platform_cli.cli.output import progress

        _budget = WriteBudget(on_wait=progress)  # every wait for it is shown as a progress line
    return _budget


def github_client(config: PlatformConfig, deadline: Deadline | None = None, session: Any | None = None) -> Github:
    creds, auth, _ = credentials(config, session)
    # Writes are admitted by the shared budget (the same pacing locally and against github.com).
    return build_client(creds, config.github.api_url, deadline, ClientPolicy(), auth=auth, budget=write_budget())
