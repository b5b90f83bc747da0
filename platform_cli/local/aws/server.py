"""The lifecycle of local AWS: ``LocalAws(state_dir).up()``, ``.status()``, ``.down()``.

``up`` starts moto in server mode (with the platform's extensions) as a background process bound to 127.0.0.1
on a free or given port, waits until it answers, records it in ``<state dir>/server.json`` and writes the AWS
config and credentials files. Each member account has ``OrganizationAccountAccessRole`` (see the
``iam_organization_access_role`` extension). ``down``
stops exactly the recorded process, after checking that the PID still belongs to it.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import boto3

from platform_cli.local.aws import accounts as acc
from platform_cli.local.aws import process, profiles
from platform_cli.local.aws.accounts import MEMBER_ACCOUNTS_VARIABLE, resolve
from platform_cli.local.aws.exceptions import LocalAwsError, LocalAwsNotRunningError
from platform_cli.local.aws.state import LocalAwsInfo, clear_state, read_state, write_state
from platform_cli.local.iam.log import LOG_VARIABLE
from platform_cli.local.iam.mode import MODE_VARIABLE
from platform_cli.local.iam.web_identity import ISSUERS_VARIABLE
from platform_cli.local.moto_ext.iam_role_size_quotas import TRUST_POLICY_QUOTA_VARIABLE

# The local accounts' role trust policy quota (IAM's ACLSizePerRole): the raised 4,096 that docs/first-hour.md asks an
# admin to request for each account (AWS's default, 2,048, holds three projects' statements on a shared role).
RAISED_TRUST_POLICY_QUOTA = 4096

DEFAULT_STATE_DIR = Path(".mlops-local/aws")
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class LocalAwsStatus:
    """What ``status`` reports: whether a server is recorded and alive, and how to reach it."""

    recorded: bool
    alive: bool
    info: LocalAwsInfo | None
    uptime_seconds: float | None

    def to_json(self) -> dict[str, object]:
        info = self.info
        return {
            "running": self.alive,
            "pid": info.pid if info else None,
            "endpoint_url": info.endpoint_url if info else None,
            "region": info.region if info else None,
            "accounts": {"management": info.management_account_id, **info.accounts} if info else {},
            "profiles": (
                {
                    name: acc.profile_name(None if name == "management" else name)
                    for name in ("management", *info.accounts)
                }
                if info
                else {}
            ),
            "config_file": str(info.config_file) if info else None,
            "credentials_file": str(info.credentials_file) if info else None,
            "uptime_seconds": round(self.uptime_seconds, 1) if self.uptime_seconds is not None else None,
        }


class LocalAws:
    """Start, inspect and stop one local AWS server whose state lives in ``state_dir``."""

    def __init__(
        self,
        state_dir: Path | str = DEFAULT_STATE_DIR,
        *,
        region: str = acc.DEFAULT_REGION,
        accounts: Mapping[str, str] = acc.ACCOUNTS,
        host: str = DEFAULT_HOST,
        startup_timeout: float = 15.0,
        iam_mode: str | None = None,
        trust_policy_quota: int = RAISED_TRUST_POLICY_QUOTA,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.trust_policy_quota = trust_policy_quota
        self.iam_mode = iam_mode  # "strict" | "permissive"; None: MLOPS_LOCAL_IAM, else the evaluator's default
        self.region = region
        self.accounts = dict(accounts)
        self.host = host
        self.startup_timeout = startup_timeout
        self._sessions: dict[tuple[int, int, str | None], boto3.Session] = {}

    @property
    def decisions_file(self) -> Path:
        """Where the server logs each IAM decision (one JSON line each): ``mlops local decisions`` reads it."""
        return self.state_dir / "iam-decisions.jsonl"

    @property
    def issuers_file(self) -> Path:
        """Which loopback server serves each OIDC issuer's keys (JSON ``{issuer: base URL}``)."""
        return self.state_dir / "oidc-issuers.json"

    def trust_issuer(self, issuer: str, served_at: str) -> None:
        """Tell local STS that ``issuer``'s ``/.well-known/jwks`` is served at ``served_at`` (the forge)."""
        known = json.loads(self.issuers_file.read_text(encoding="utf-8")) if self.issuers_file.is_file() else {}
        known[issuer] = served_at
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.issuers_file.write_text(json.dumps(known, indent=2), encoding="utf-8")

    # --- lifecycle ------------------------------------------------------------------------------------------

    def up(self, port: int | None = None) -> LocalAwsInfo:
        """Start the server (or return the one already running here) and return how to reach it.

        With ``port`` the server binds exactly there (error when it is taken); without, on a free port.
        """
        running = self._running()
        if running is not None:
            if port is not None and port != running.port:
                raise LocalAwsError(
                    f"local AWS already runs on port {running.port} (pid {running.pid}); run down first to change port"
                )
            return running
        self.state_dir.mkdir(parents=True, exist_ok=True)
        clear_state(self.state_dir)
        if port is not None and process.port_in_use(self.host, port):
            raise LocalAwsError(f"port {port} on {self.host} is in use; choose another port or omit it for a free one")
        attempts = 1 if port is not None else 3
        for attempt in range(attempts):
            chosen = port if port is not None else process.free_port(self.host)
            info = self._start(chosen)
            if info is not None:
                return info
            if attempt == attempts - 1:
                break
        raise LocalAwsError(f"local AWS could not bind a port on {self.host}; see {self.state_dir / 'server.log'}")

    def down(self) -> bool:
        """Stop the recorded server. Return whether a server was stopped (``False``: nothing was running)."""
        info = read_state(self.state_dir)
        if info is None:
            return False
        stopped = False
        if process.is_ours(info.pid, info.port):
            process.terminate(info.pid)
            stopped = True
        clear_state(self.state_dir)
        return stopped

    def status(self) -> LocalAwsStatus:
        """Whether a server is recorded and alive, its endpoint, accounts and uptime."""
        info = read_state(self.state_dir)
        if info is None:
            return LocalAwsStatus(recorded=False, alive=False, info=None, uptime_seconds=None)
        alive = process.is_ours(info.pid, info.port) and process.answers(info.host, info.port)
        uptime = time.time() - info.started_at if alive else None
        return LocalAwsStatus(recorded=True, alive=alive, info=info, uptime_seconds=uptime)

    def info(self) -> LocalAwsInfo:
        """The running server; raise :class:`LocalAwsNotRunningError` when there is none."""
        running = self._running()
        if running is None:
            raise LocalAwsNotRunningError(f"local AWS is not running (state dir {self.state_dir}); run up first")
        return running

    # --- using it -------------------------------------------------------------------------------------------

    def env_for(self, account_or_env: str | None = None) -> dict[str, str]:
        """Environment variables pointing a subprocess at one account; see :func:`profiles.env_for`."""
        return profiles.env_for(self.info(), account_or_env)

    def session_for(self, account_or_env: str | None = None) -> boto3.Session:
        """A boto3 session in one account (AssumeRole for member accounts); see :func:`profiles.session_for`.

        Sessions are cached per server and account until :meth:`reset`, which makes moto forget the credentials
        it issued: a session kept across a reset would silently act in the management account.
        """
        info = self.info()
        key = (info.pid, info.credentials_generation, resolve(account_or_env, info.accounts))
        if key not in self._sessions:
            self._sessions[key] = profiles.session_for(info, account_or_env)
        return self._sessions[key]

    def reset(self) -> None:
        """Forget every resource in every account (moto's reset; the member account roles come back with it).

        moto also forgets the credentials it issued by AssumeRole: take new sessions (``session_for``) and clients
        afterwards; the cache of this object is cleared here.
        """
        info = self.info()
        self._sessions.clear()
        request = urllib.request.Request(f"{info.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback http only)
            response.read()
        info = replace(info, credentials_generation=info.credentials_generation + 1)
        profiles.write_profiles(info)
        write_state(info)

    # --- internals ------------------------------------------------------------------------------------------

    def _running(self) -> LocalAwsInfo | None:
        info = read_state(self.state_dir)
        if info is None:
            return None
        if process.is_ours(info.pid, info.port):
            return info
        clear_state(self.state_dir)  # stale record: the process is gone (or the PID now belongs to another)
        return None

    def _start(self, port: int) -> LocalAwsInfo | None:
        log_file = self.state_dir / "server.log"
        started = time.time()
        extra_env = {
            MEMBER_ACCOUNTS_VARIABLE: ",".join(self.accounts.values()),
            LOG_VARIABLE: str(self.decisions_file),
            ISSUERS_VARIABLE: str(self.issuers_file),
            TRUST_POLICY_QUOTA_VARIABLE: str(self.trust_policy_quota),
        }
        if self.iam_mode is not None:
            extra_env[MODE_VARIABLE] = self.iam_mode
        child = process.spawn(self.host, port, log_file, extra_env=extra_env)
        try:
            process.wait_until_answers(child, self.host, port, self.startup_timeout)
        except LocalAwsError:
            if child.poll() is None:
                process.terminate(child.pid)
                raise
            return None  # exited early: most likely the port was taken between choosing and binding it
        info = LocalAwsInfo(
            pid=child.pid,
            host=self.host,
            port=port,
            started_at=started,
            region=self.region,
            accounts=dict(self.accounts),
            state_dir=self.state_dir,
            management_account_id=acc.MANAGEMENT_ACCOUNT_ID,
        )
        try:
            profiles.write_profiles(info)
            write_state(info)
        except Exception:
            process.terminate(child.pid)
            clear_state(self.state_dir)
            raise
        return info
