"""GitHub credentials as stored in the platform's Secrets Manager secret.

The secret holds JSON: ``{"kind": "pat", "token": "..."}`` or
``{"kind": "app", "app_id": 1, "installation_id": 2, "private_key": "-----BEGIN ..."}``. A bare string is a PAT.
Values are wrapped so that ``repr``/``str`` never show them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from platform_cli.github.exceptions import CredentialsError
from platform_cli.secret import Secret


@dataclass(frozen=True)
class GitHubCredentials:
    kind: Literal["pat", "app"]
    token: Secret | None = None
    app_id: int | None = None
    installation_id: int | None = None
    private_key: Secret | None = None

    @classmethod
    def pat(cls, token: str) -> GitHubCredentials:
        if not token.strip():
            raise CredentialsError("the GitHub token is empty; store one with `mlops github set-credentials`")
        return cls(kind="pat", token=Secret(token.strip()))

    @classmethod
    def app(cls, app_id: int, installation_id: int, private_key: str) -> GitHubCredentials:
        if "PRIVATE KEY" not in private_key:
            raise CredentialsError("the GitHub App private key is not a PEM key; pass the .pem file GitHub gave you")
        return cls(kind="app", app_id=app_id, installation_id=installation_id, private_key=Secret(private_key))

    def to_secret_string(self) -> str:
        """The JSON stored in Secrets Manager."""
        if self.kind == "pat":
            assert self.token is not None
            return json.dumps({"kind": "pat", "token": self.token.reveal()})
        assert self.private_key is not None
        return json.dumps(
            {
                "kind": "app",
                "app_id": self.app_id,
                "installation_id": self.installation_id,
                "private_key": self.private_key.reveal(),
            }
        )


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise CredentialsError(
            f"GitHub credential secret: {key} must be a number; re-run `mlops github set-credentials`"
        )
    return int(value)


def parse_credentials(secret_string: str) -> GitHubCredentials:
    """Parse the secret's value (never echoing it in an error)."""
    text = secret_string.strip()
    if not text.startswith("{"):
        return GitHubCredentials.pat(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise CredentialsError(
            "GitHub credential secret is not valid JSON; re-run `mlops github set-credentials`"
        ) from None
    if not isinstance(data, dict):
        raise CredentialsError("GitHub credential secret must be a JSON object; re-run `mlops github set-credentials`")
    kind = data.get("kind", "app" if "private_key" in data else "pat")
    if kind == "pat":
        token = data.get("token")
        if not isinstance(token, str):
            raise CredentialsError("GitHub credential secret has no token; re-run `mlops github set-credentials`")
        return GitHubCredentials.pat(token)
    if kind == "app":
        key = data.get("private_key")
        if not isinstance(key, str):
            raise CredentialsError(
                "GitHub credential secret has no private_key; re-run `mlops github set-credentials --app`"
            )
        return GitHubCredentials.app(_int(data, "app_id"), _int(data, "installation_id"), key)
    raise CredentialsError(f"GitHub credential secret: unknown kind {str(kind)[:20]!r}; use 'pat' or 'app'")
