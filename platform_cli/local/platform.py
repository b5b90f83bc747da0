"""The local platform: local AWS and the local forge side by side under one state directory.

``up`` starts both (or finds them running), and seeds the forge with the organisation of ``platform.yaml``: the
org, its reviewers and maintainers teams, and three people: an org owner whose token the platform uses (the
stand-in for the PAT or GitHub App), a data scientist, and a reviewer. Tokens are written to files readable by
the owner only, never printed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_cli.config import PlatformConfig
from platform_cli.local.aws import LocalAws, LocalAwsInfo
from platform_cli.local.forge import ForgeAdmin, ForgeHandle, start_background
from platform_cli.local.forge import status as forge_status
from platform_cli.local.forge import stop as forge_stop
from platform_cli.local.forge.exceptions import ForgeAdminError
from platform_cli.local.forge.oidc import GITHUB_ISSUER
from platform_cli.local.paths import DEFAULT_STATE_DIR

PLATFORM_SCOPES = ["repo", "workflow", "admin:org", "delete_repo"]


@dataclass(frozen=True)
class People:
    """The logins seeded into the local org."""

    admin: str = "platform-admin"
    data_scientist: str = "ada"
    reviewer: str = "grace"


@dataclass(frozen=True)
class LocalPlatformInfo:
    aws: LocalAwsInfo
    forge: ForgeHandle
    org: str
    token_file: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "aws": {
                "endpoint_url": self.aws.endpoint_url,
                "pid": self.aws.pid,
                "region": self.aws.region,
                "accounts": dict(self.aws.accounts),
                "config_file": str(self.aws.config_file),
            },
            "forge": {"url": self.forge.url, "api_url": self.forge.api_url, "pid": self.forge.pid},
            "org": self.org,
            "token_file": str(self.token_file),
        }


class LocalPlatform:
    """Start, seed, inspect and stop the embedded defaults kept in ``state_dir``."""

    def __init__(
        self, state_dir: Path | str = DEFAULT_STATE_DIR, people: People | None = None, iam_mode: str | None = None
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.aws = LocalAws(self.state_dir / "aws", iam_mode=iam_mode)
        self.forge_dir = self.state_dir / "forge"
        self.people = people or People()

    def token_file(self, login: str) -> Path:
        return self.state_dir / "tokens" / f"{login}.token"

    def up(
        self, config: PlatformConfig, aws_port: int | None = None, forge_port: int | None = None
    ) -> LocalPlatformInfo:
        aws = self.aws.up(port=aws_port)
        try:
            forge = forge_status(self.forge_dir) or start_background(self.forge_dir, forge_port)
        except Exception:
            self.aws.down()
            raise
        self.aws.trust_issuer(GITHUB_ISSUER, forge.url)  # GitHub's OIDC issuer is played by the forge
        self.seed_org(forge.admin(), config)
        return LocalPlatformInfo(aws, forge, config.github.org, self.token_file(self.people.admin))

    def seed_org(self, admin: ForgeAdmin, config: PlatformConfig) -> None:
        """Create the org, its teams and people once; later calls find them and change nothing."""
        people = self.people
        for login in (people.admin, people.data_scientist, people.reviewer):
            if not self.token_file(login).exists():
                scopes = PLATFORM_SCOPES if login == people.admin else ["repo", "workflow"]
                try:
                    token = admin.create_user(login, scopes=scopes)
                except ForgeAdminError:  # the user exists (state kept across restarts): mint a fresh token
                    token = admin.create_token(login, scopes=scopes)
                self._write_token(login, token)
        org = config.github.org
        try:
            admin.create_org(org, owners=[people.admin], members=[people.data_scientist, people.reviewer])
        except ForgeAdminError as error:
            if "already taken" not in str(error):
                raise
            return  # seeded before (the forge keeps its state across restarts)
        admin.create_team(org, config.teams.reviewers, members=[people.reviewer])
        admin.create_team(org, config.teams.maintainers, members=[people.admin])

    def _write_token(self, login: str, token: str) -> None:
        path = self.token_file(login)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(token)

    def forge_admin(self) -> ForgeAdmin:
        forge = forge_status(self.forge_dir)
        if forge is None:
            raise ForgeAdminError(f"the local forge is not running (state dir {self.forge_dir}); run `mlops local up`")
        return forge.admin()

    def down(self) -> dict[str, bool]:
        forge = forge_status(self.forge_dir)
        if forge is not None:
            forge_stop(forge)
        return {"aws": self.aws.down(), "forge": forge is not None}

    def status(self) -> dict[str, Any]:
        aws = self.aws.status().to_json()
        forge = forge_status(self.forge_dir)
        return {
            "state_dir": str(self.state_dir),
            "aws": aws,
            "forge": {
                "running": forge is not None,
                "url": forge.url if forge else None,
                "api_url": forge.api_url if forge else None,
                "pid": forge.pid if forge else None,
                "uptime_seconds": round(time.time() - forge.started_at, 1) if forge else None,
            },
            "token_file": str(self.token_file(self.people.admin)),
        }
