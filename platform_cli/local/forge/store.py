"""The forge's metadata: one JSON document under the state directory, guarded by one re-entrant lock.

Every record is a plain dict (users, tokens, orgs, teams, repos with their secrets, variables, environments and
branch protections, apps, dispatches). Keys of the top-level maps are lower-cased names, because GitHub logins and
repo names are case-insensitive. Bare git repositories live beside it in ``repos/<id>.git``.

``save()`` marks the document changed and schedules one write ``flush_delay_s`` later, so a burst of calls costs one
write; ``flush()`` (called on stop and on SIGTERM) writes at once. Writes are atomic (temp file + rename), so a
restart finds the last flushed state; a hard kill loses at most the last ``flush_delay_s`` of changes.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_cli.local.forge.exceptions import ForgeStartError

Record = dict[str, Any]

STATE_FILE = "state.json"
FLUSH_DELAY_S = 0.05


def now_iso() -> str:
    """The current time in GitHub's timestamp format (``2024-01-31T12:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty() -> Record:
    return {
        "next_id": 1000,
        "users": {},
        "tokens": {},
        "orgs": {},
        "teams": {},
        "repos": {},
        "apps": {},
        "installations": {},
        "dispatches": [],
    }


class Store:
    """The metadata document plus the lock every reader and writer takes."""

    def __init__(self, state_dir: Path, flush_delay_s: float = FLUSH_DELAY_S) -> None:
        self.state_dir = state_dir
        self.flush_delay_s = flush_delay_s
        self._dirty = False
        self._timer: threading.Timer | None = None
        self.repos_dir = state_dir / "repos"
        self.repos_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        path = state_dir / STATE_FILE
        try:
            self.data: Record = json.loads(path.read_text()) if path.exists() else _empty()
        except (OSError, ValueError) as error:
            raise ForgeStartError(
                f"forge state {path} is unreadable ({type(error).__name__}); restore it or start with a new --state-dir"
            ) from error

    def new_id(self) -> int:
        with self.lock:
            value = int(self.data["next_id"])
            self.data["next_id"] = value + 1
            return value

    def save(self) -> None:
        """Record that the document changed; it is written within ``flush_delay_s``."""
        with self.lock:
            self._dirty = True
            if self._timer is None:
                self._timer = threading.Timer(self.flush_delay_s, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write the document now if it changed (atomically: temp file + rename)."""
        with self.lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._dirty:
                return
            self._dirty = False
            path = self.state_dir / STATE_FILE
            tmp = path.with_suffix(".tmp")
            # The document holds the sealed secrets and the keys that open them: owner-only, like the admin token.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(json.dumps(self.data, separators=(",", ":")))
            tmp.replace(path)

    # --- lookups (None when absent) -------------------------------------------------------------------------

    def user(self, login: str) -> Record | None:
        found: Record | None = self.data["users"].get(login.lower())
        return found

    def org(self, login: str) -> Record | None:
        found: Record | None = self.data["orgs"].get(login.lower())
        return found

    def repo(self, owner: str, name: str) -> Record | None:
        found: Record | None = self.data["repos"].get(f"{owner}/{name}".lower())
        return found

    def repo_by_id(self, repo_id: int) -> Record | None:
        for repo in self.data["repos"].values():
            if repo["id"] == repo_id:
                found: Record = repo
                return found
        return None

    def team(self, org: str, slug: str) -> Record | None:
        found: Record | None = self.data["teams"].get(f"{org}/{slug}".lower())
        return found

    def team_by_id(self, team_id: int) -> Record | None:
        for team in self.data["teams"].values():
            if team["id"] == team_id:
                found: Record = team
                return found
        return None

    def user_by_id(self, user_id: int) -> Record | None:
        for user in self.data["users"].values():
            if user["id"] == user_id:
                found: Record = user
                return found
        return None

    def repo_path(self, repo: Record) -> Path:
        return self.repos_dir / f"{repo['id']}.git"
