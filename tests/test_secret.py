"""One wrapper for secret values, shared by GitHub credentials and repository secrets."""

from __future__ import annotations

from platform_cli.github.credentials import GitHubCredentials
from platform_cli.provisioning import desired
from platform_cli.secret import Secret


def test_a_secret_never_shows_its_value() -> None:
    secret = Secret("ghp_canary0001")
    assert "canary" not in repr(secret)
    assert "canary" not in str(secret)
    assert "canary" not in f"{[secret]}"
    assert secret.reveal() == "ghp_canary0001"


def test_credentials_and_repository_secrets_use_the_same_wrapper() -> None:
    token = GitHubCredentials.pat("ghp_canary0001").token
    assert type(token) is Secret
    assert desired.Secret is Secret
    assert token == Secret("ghp_canary0001")
