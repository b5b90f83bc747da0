"""STS AssumeRoleWithWebIdentity as AWS verifies it: the token's issuer must be an OIDC provider registered in the
role's account; its RS256 signature must verify against the issuer's key set, it must not be expired, and its
audience must be one of the provider's client ids; then the role's trust policy decides, with the token's claims
as the condition keys ``<provider url>:sub`` / ``:aud``.

Local AWS reaches no issuer beyond 127.0.0.1: the issuers file (``MLOPS_LOCAL_OIDC_ISSUERS_FILE``, JSON
``{issuer: base URL}``) says which loopback server serves an issuer's ``/.well-known/jwks`` — the forge for
GitHub's issuer.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from platform_cli.local.iam.exceptions import InvalidWebIdentityTokenError
from platform_cli.local.iam.policy import Principal

ISSUERS_VARIABLE = "MLOPS_LOCAL_OIDC_ISSUERS_FILE"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ExpiredWebIdentityTokenError(InvalidWebIdentityTokenError):
    """The token's ``exp`` has passed (STS: ExpiredTokenException)."""


@dataclass(frozen=True)
class WebIdentity:
    principal: Principal  # Federated: the OIDC provider's ARN
    context: dict[str, str | list[str]]  # <provider url>:sub, :aud
    claims: Mapping[str, Any]


def issuers() -> dict[str, str]:
    path = os.environ.get(ISSUERS_VARIABLE)
    if not path or not Path(path).is_file():
        return {}
    loaded: dict[str, str] = json.loads(Path(path).read_text(encoding="utf-8"))
    return loaded


def _jwks(issuer: str) -> dict[str, Any]:
    base = issuers().get(issuer, issuer).rstrip("/")
    host = urllib.parse.urlsplit(base).hostname or ""
    if host not in _LOOPBACK:
        raise InvalidWebIdentityTokenError(
            f"Couldn't retrieve verification key from your identity provider {issuer}: local AWS reaches only "
            f"127.0.0.1; register the issuer's local server in {ISSUERS_VARIABLE}"
        )
    with urllib.request.urlopen(f"{base}/.well-known/jwks", timeout=5) as answer:  # noqa: S310 - loopback only
        loaded: dict[str, Any] = json.loads(answer.read())
    return loaded


def verify(token: str, role_arn: str, provider_audiences: Any) -> WebIdentity:
    """Verify ``token`` for assuming ``role_arn``; ``provider_audiences(issuer_url_without_scheme)`` gives the
    registered provider's ``(arn, client ids)`` or ``None`` when the account has none for that issuer."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidWebIdentityTokenError("The ID token provided is not a valid JWT") from error
    issuer = str(unverified.get("iss", ""))
    url = issuer.removeprefix("https://").removeprefix("http://").rstrip("/")
    registered = provider_audiences(url)
    if registered is None:
        raise InvalidWebIdentityTokenError(f"No OpenIDConnect provider found in your account for {issuer}")
    provider_arn, audiences = registered
    keys = [k for k in _jwks(issuer).get("keys", []) if k.get("kid") == header.get("kid")]
    if not keys:
        raise InvalidWebIdentityTokenError("Couldn't find the key the ID token was signed with in the issuer's JWKS")
    key = jwt.PyJWK(keys[0]).key
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=list(audiences), issuer=issuer)
    except jwt.ExpiredSignatureError as error:
        raise ExpiredWebIdentityTokenError("Token expired: the ID token's exp has passed") from error
    except jwt.InvalidAudienceError as error:
        raise InvalidWebIdentityTokenError("Incorrect token audience") from error
    except jwt.PyJWTError as error:
        raise InvalidWebIdentityTokenError(f"The ID token is not valid: {error}") from error
    account = role_arn.split(":")[4]
    aud = claims["aud"]
    context: dict[str, str | list[str]] = {
        f"{url}:sub": str(claims.get("sub", "")),
        f"{url}:aud": [str(a) for a in aud] if isinstance(aud, list) else str(aud),
    }
    return WebIdentity(Principal(provider_arn, account, kind="Federated"), context, claims)
