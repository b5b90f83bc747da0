"""What a running local AWS server is: a value recorded in ``<state dir>/server.json`` by ``up`` and read back.

The record carries everything another process needs to use or stop the server: its PID and port, when it
started, the region, the accounts, and the generated AWS config and credentials files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platform_cli.local.aws.exceptions import LocalAwsError

STATE_FILE_NAME = "server.json"
CONFIG_FILE_NAME = "aws-config"
CREDENTIALS_FILE_NAME = "aws-credentials"
LOG_FILE_NAME = "server.log"


@dataclass(frozen=True)
class LocalAwsInfo:
    """A running local AWS server (moto) and how to reach each of its accounts."""

    pid: int
    host: str
    port: int
    started_at: float  # seconds since the epoch
    region: str
    accounts: Mapping[str, str]  # environment name -> 12-digit account id
    state_dir: Path
    management_account_id: str = field(default="123456789012")
    # Bumped by every reset: moto forgets the credentials it issued, so cached assumed-role credentials must go.
    credentials_generation: int = 0

    @property
    def endpoint_url(self) -> str:
        """The one endpoint every service answers on (moto serves all services on one port)."""
        return f"http://{self.host}:{self.port}"

    @property
    def config_file(self) -> Path:
        """The generated AWS config file (``AWS_CONFIG_FILE``): one profile per account."""
        return self.state_dir / CONFIG_FILE_NAME

    @property
    def credentials_file(self) -> Path:
        """The generated AWS credentials file (``AWS_SHARED_CREDENTIALS_FILE``): fake base credentials."""
        return self.state_dir / CREDENTIALS_FILE_NAME

    @property
    def log_file(self) -> Path:
        """The server's combined stdout and stderr."""
        return self.state_dir / LOG_FILE_NAME

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accounts"] = dict(self.accounts)
        data["state_dir"] = str(self.state_dir)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], state_dir: Path) -> LocalAwsInfo:
        return cls(
            pid=int(data["pid"]),
            host=str(data["host"]),
            port=int(data["port"]),
            started_at=float(data["started_at"]),
            region=str(data["region"]),
            accounts={str(k): str(v) for k, v in dict(data["accounts"]).items()},
            state_dir=state_dir,
            management_account_id=str(data.get("management_account_id", "123456789012")),
            credentials_generation=int(data.get("credentials_generation", 0)),
        )


def state_file(state_dir: Path) -> Path:
    return state_dir / STATE_FILE_NAME


def write_state(info: LocalAwsInfo) -> None:
    """Record ``info`` atomically (write then rename), so a reader never sees half a file."""
    path = state_file(info.state_dir)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info.to_json(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_state(state_dir: Path) -> LocalAwsInfo | None:
    """The recorded server, or ``None`` when nothing is recorded."""
    path = state_file(state_dir)
    if not path.exists():
        return None
    try:
        return LocalAwsInfo.from_json(json.loads(path.read_text(encoding="utf-8")), state_dir)
    except (ValueError, KeyError, TypeError) as error:
        raise LocalAwsError(
            f"local AWS state file {path} is unreadable ({type(error).__name__}); delete it and run up again"
        ) from error


def clear_state(state_dir: Path) -> None:
    state_file(state_dir).unlink(missing_ok=True)
