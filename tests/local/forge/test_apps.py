"""GitHub App auth, minimal: an RS256 app JWT checked against the registered public key buys installation tokens
with an expiry; PyGithub's ``Auth.AppAuth(...).get_installation_auth(...)`` works unmodified."""

from __future__ import annotations

import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth, Github

from tests.fixtures.forge import ForgeEnv, ForgeOrg


@pytest.fixture(scope="module")
def app_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> tuple[str, str]:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


def _register(forge: ForgeEnv, org: ForgeOrg, key: rsa.RSAPrivateKey) -> tuple[int, int]:
    registered = forge.admin.register_app(forge.unique("app"), _pem(key)[1], [org.login])
    return registered["app_id"], registered["installations"][org.login]


def test_pygithub_app_installation_auth_provisions_in_the_org(
    forge: ForgeEnv, forge_org: ForgeOrg, app_key: rsa.RSAPrivateKey
) -> None:
    app_id, installation_id = _register(forge, forge_org, app_key)
    auth = Auth.AppAuth(app_id, _pem(app_key)[0]).get_installation_auth(installation_id)
    gh = Github(base_url=forge.api_url, auth=auth, seconds_between_requests=None, seconds_between_writes=None)
    org = gh.get_organization(forge_org.login)
    created = org.create_repo_from_template("by-app", gh.get_repo(forge_org.template), private=True)
    created.create_variable("SAGEMAKER_PROJECT_ID", "p-123")
    assert forge_org.gh.get_repo(created.full_name).get_variable("SAGEMAKER_PROJECT_ID").value == "p-123"


def test_installation_token_carries_an_expiry(forge: ForgeEnv, forge_org: ForgeOrg, app_key: rsa.RSAPrivateKey) -> None:
    app_id, installation_id = _register(forge, forge_org, app_key)
    now = int(time.time())
    token = jwt.encode({"iat": now - 30, "exp": now + 540, "iss": str(app_id)}, _pem(app_key)[0], algorithm="RS256")
    response = requests.post(
        f"{forge.api_url}/app/installations/{installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ghs_")
    assert body["expires_at"].endswith("Z")


def test_jwt_signed_by_another_key_is_401(forge: ForgeEnv, forge_org: ForgeOrg, app_key: rsa.RSAPrivateKey) -> None:
    app_id, installation_id = _register(forge, forge_org, app_key)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    token = jwt.encode({"iat": now, "exp": now + 300, "iss": str(app_id)}, _pem(other)[0], algorithm="RS256")
    response = requests.post(
        f"{forge.api_url}/app/installations/{installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 401


def test_installation_token_cannot_reach_another_org(
    forge: ForgeEnv, forge_org: ForgeOrg, app_key: rsa.RSAPrivateKey
) -> None:
    other = forge.new_org()
    app_id, installation_id = _register(forge, forge_org, app_key)
    now = int(time.time())
    app_jwt = jwt.encode({"iat": now, "exp": now + 300, "iss": str(app_id)}, _pem(app_key)[0], algorithm="RS256")
    token = requests.post(
        f"{forge.api_url}/app/installations/{installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {app_jwt}"},
        timeout=5,
    ).json()["token"]
    response = requests.get(
        f"{forge.api_url}/repos/{other.login}/model-build/actions/variables",
        headers={"Authorization": f"token {token}"},
        timeout=5,
    )
    assert response.status_code == 403
