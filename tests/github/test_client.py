"""Client factory: PAT and GitHub App installation tokens on the forge; credentials parsing; retry policy."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from platform_cli.github.client import FAST_POLICY, build_client
from platform_cli.github.credentials import GitHubCredentials, parse_credentials
from platform_cli.github.deadline import Deadline
from platform_cli.github.exceptions import CredentialsError, DeadlineExceededError
from platform_cli.github.retry import retry_policy
from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_a_pat_client_reaches_the_forge_through_its_api_url(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    gh = build_client(GitHubCredentials.pat(forge_org.token), forge.api_url, policy=FAST_POLICY)
    assert gh.get_organization(forge_org.login).login == forge_org.login


def test_an_app_client_uses_an_installation_token(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    app = forge.admin.register_app(f"app-{forge_org.login}", public, [forge_org.login])
    installation = app["installations"][forge_org.login]
    installation_id = installation["id"] if isinstance(installation, dict) else installation
    credentials = GitHubCredentials.app(int(app["app_id"]), int(installation_id), pem)
    gh = build_client(credentials, forge.api_url, policy=FAST_POLICY)
    assert gh.get_repo(forge_org.template).is_template
    assert pem not in repr(credentials)


def test_a_bare_string_is_a_pat() -> None:
    fake = "ghp_" + "abcdef" * 3  # built at run time: no token-shaped literal in the repository
    credentials = parse_credentials(fake)
    assert credentials.kind == "pat" and credentials.token is not None
    assert credentials.token.reveal() == fake
    assert "ghp_" not in repr(credentials)


def test_app_json_round_trips() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"
    stored = GitHubCredentials.app(1, 2, pem).to_secret_string()
    parsed = parse_credentials(stored)
    assert (parsed.kind, parsed.app_id, parsed.installation_id) == ("app", 1, 2)
    assert parsed.private_key is not None and parsed.private_key.reveal() == pem


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"kind": "app", "app_id": 1, "installation_id": 2}), "has no private_key"),
        (
            json.dumps(
                {"kind": "app", "app_id": "x", "installation_id": 2, "private_key": "-----BEGIN PRIVATE KEY-----"}
            ),
            "app_id must be a number",
        ),
        (json.dumps({"kind": "oauth"}), "unknown kind"),
        ("   ", "token is empty"),
    ],
)
def test_malformed_secrets_are_named_without_their_value(secret: str, message: str) -> None:
    with pytest.raises(CredentialsError, match=message) as raised:
        parse_credentials(secret)
    assert "BEGIN PRIVATE KEY" not in str(raised.value)


def test_the_retry_policy_refuses_a_wait_past_the_deadline() -> None:
    policy = retry_policy(Deadline(0.5), backoff_factor=10)
    retry = policy.new(total=3)
    for _ in range(3):  # urllib3 backs off from the second consecutive error
        retry = retry.increment(method="GET", url="/x", error=ConnectionError())
    with pytest.raises(DeadlineExceededError, match="ran out of time"):
        retry.sleep()


def test_the_retry_policy_caps_a_huge_retry_after() -> None:
    policy = retry_policy(Deadline(600), max_wait=5)

    class Response:
        headers = {"Retry-After": "3600"}

    with pytest.raises(DeadlineExceededError, match="asked to wait 3600s"):
        policy.sleep(Response())
