"""GitHub Actions' OIDC ID tokens, issued by the forge as GitHub issues them.

RS256 with the forge's own signing key (kept in its state dir, mode 600), ``kid`` in the header, the key set at
``/.well-known/jwks`` and discovery at ``/.well-known/openid-configuration`` — the paths GitHub serves under its
issuer. The issuer is github.com's (``https://token.actions.githubusercontent.com``) unless told otherwise: the
forge plays github.com, and the platform's trust policies name that issuer; local AWS is told the issuer's keys
are served by the forge (``MLOPS_LOCAL_OIDC_ISSUERS``), as DNS would send it there.

``sub`` exactly as GitHub forms it: ``repo:<owner>/<repo>:environment:<name>`` for a job bound to an environment,
``repo:<owner>/<repo>:pull_request`` for a pull request, ``repo:<owner>/<repo>:ref:refs/heads/<branch>`` otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
KEY_FILE = "oidc-signing-key.pem"
TOKEN_LIFETIME_S = 300  # GitHub's ID tokens are valid for five minutes


def subject(
    repository: str, *, environment: str | None = None, pull_request: bool = False, ref: str | None = None
) -> str:
    """The ``sub`` claim GitHub forms for a job of ``repository`` (``owner/name``)."""
    if environment:
        return f"repo:{repository}:environment:{environment}"
    if pull_request:
        return f"repo:{repository}:pull_request"
    return f"repo:{repository}:ref:{ref or 'refs/heads/main'}"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class OidcIssuer:
    """Signs ID tokens and publishes the public key set; one key per forge state dir."""

    def __init__(self, state_dir: Path, issuer: str = GITHUB_ISSUER) -> None:
        self.issuer = issuer.rstrip("/")
        path = state_dir / KEY_FILE
        if not path.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            path.write_bytes(pem)
            path.chmod(0o600)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA key; delete it and the forge makes a new one")
        self._key = loaded
        numbers = loaded.public_key().public_numbers()
        self.kid = hashlib.sha256(_b64(numbers.n).encode()).hexdigest()[:40]
        self._jwk = {
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": _b64(numbers.n),
            "e": _b64(numbers.e),
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self._jwk)]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": f"{self.issuer}/.well-known/jwks",
            "subject_types_supported": ["public", "pairwise"],
            "response_types_supported": ["id_token"],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "environment"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
        }

    def mint(
        self,
        repository: str,
        *,
        environment: str | None = None,
        pull_request: bool = False,
        ref: str | None = None,
        audience: str = STS_AUDIENCE,
        lifetime_s: int = TOKEN_LIFETIME_S,
        now: float | None = None,
    ) -> str:
        """An ID token for a job of ``repository`` (``owner/name``), as GitHub Actions would hand it out."""
        issued = int(now if now is not None else time.time())
        owner = repository.split("/", 1)[0]
        event = "pull_request" if pull_request else "push"
        claims: dict[str, Any] = {
            "jti": str(uuid.uuid4()),
            "sub": subject(repository, environment=environment, pull_request=pull_request, ref=ref),
            "aud": audience,
            "ref": ref or ("refs/pull/1/merge" if pull_request else "refs/heads/main"),
            "repository": repository,
            "repository_owner": owner,
            "event_name": event,
            "iss": self.issuer,
            "nbf": issued - 5,
            "iat": issued,
            "exp": issued + lifetime_s,
        }
        if environment:
            claims["environment"] = environment
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})
