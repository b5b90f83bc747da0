"""Running the forge: in-process in a thread (tests), or as a background process with a PID file (``mlops local``).

In-process::

    with ForgeServer(state_dir) as forge:       # free port on 127.0.0.1
        Github(base_url=forge.api_url, auth=Auth.Token(forge.admin.create_user("alice")))

Background: ``handle = start_background(state_dir, port)`` runs ``python -m platform_cli.local.forge`` and waits
until it answers; ``stop(handle)`` signals exactly that PID; ``status(state_dir)`` reads the PID file and probes it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from platform_cli.local.forge.admin import ForgeAdmin
from platform_cli.local.forge.app import ADMIN_TOKEN_FILE, Forge
from platform_cli.local.forge.exceptions import ForgeStartError
from platform_cli.local.forge.faults import Faults

HOST = "127.0.0.1"
DEFAULT_STATE_DIR = Path(".mlops-local/forge")
PID_FILE = "forge.pid"
INFO_FILE = "forge.json"
START_TIMEOUT_S = 15.0


class _QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive, no per-request log lines, no tracebacks for connections the client dropped."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log_error(self, format: str, *args: Any) -> None:
        return None


def _serve(state_dir: Path, port: int, faults: Faults | None) -> tuple[BaseWSGIServer, Forge]:
    state_dir.mkdir(parents=True, exist_ok=True)
    forge = Forge(state_dir, faults)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        server = make_server(HOST, port, forge, threaded=True, request_handler=_QuietHandler)
    except (OSError, SystemExit) as error:  # werkzeug exits when the address is in use
        raise ForgeStartError(f"forge cannot listen on {HOST}:{port} (address in use?); choose another port") from error
    return server, forge


class ForgeServer:
    """The forge in a background thread of this process; ``port=None`` picks a free port."""

    def __init__(self, state_dir: Path | str, port: int | None = None, faults: Faults | None = None) -> None:
        self.state_dir = Path(state_dir)
        self._port = port or 0
        self._faults = faults
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.forge: Forge | None = None

    def start(self) -> ForgeServer:
        self._server, self.forge = _serve(self.state_dir, self._port, self._faults)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="forge", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.forge is not None:
            self.forge.store.flush()

    def __enter__(self) -> ForgeServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise ForgeStartError("the forge is not running; call start() first")
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v3"

    @property
    def admin_token(self) -> str:
        assert self.forge is not None
        return self.forge.admin_token

    @property
    def admin(self) -> ForgeAdmin:
        return ForgeAdmin(self.url, self.admin_token)

    def set_faults(self, faults: Faults) -> None:
        assert self.forge is not None
        self.forge.injector.set(faults)

    @property
    def faults(self) -> Faults:
        assert self.forge is not None
        return self.forge.faults


# --- background process -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForgeHandle:
    """A forge running as its own process."""

    pid: int
    port: int
    state_dir: str
    started_at: float

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v3"

    def admin(self) -> ForgeAdmin:
        return ForgeAdmin(self.url, (Path(self.state_dir) / ADMIN_TOKEN_FILE).read_text().strip())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        # Not listening: refused at once; the timeout only bounds a busy forge (a loaded machine: over 0.5 s).
        return requests.get(f"{url}/_forge/health", timeout=2.0).status_code == 200
    except requests.RequestException:
        return False


def start_background(
    state_dir: Path | str, port: int | None = None, log_file: Path | None = None, faults: Faults | None = None
) -> ForgeHandle:
    """Start ``python -m platform_cli.local.forge`` detached; returns once it answers (PID file written).

    ``faults`` switches injection on for the whole run (the admin API can change it later).
    """
    state = Path(state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    running = status(state)
    if running is not None:
        raise ForgeStartError(f"a forge already runs for {state} (pid {running.pid}, {running.url}); stop it first")
    chosen = port or free_port()
    log_path = log_file or state / "forge.log"
    command = [
        sys.executable,
        "-m",
        "platform_cli.local.forge",
        "-H",
        HOST,
        "-p",
        str(chosen),
        "--state-dir",
        str(state),
    ]
    if faults is not None:
        command += ["--faults", json.dumps(faults.to_json())]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    handle = ForgeHandle(pid=process.pid, port=chosen, state_dir=str(state), started_at=time.time())
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ForgeStartError(f"the forge exited at start-up (code {process.returncode}); see {log_path}")
        if _healthy(handle.url):
            return handle
        time.sleep(0.05)
    process.kill()
    raise ForgeStartError(f"the forge did not answer within {START_TIMEOUT_S:.0f}s; see {log_path}")


def write_pid_file(state_dir: Path, port: int) -> None:
    (state_dir / PID_FILE).write_text(f"{os.getpid()}\n")
    info = ForgeHandle(pid=os.getpid(), port=port, state_dir=str(state_dir), started_at=time.time())
    (state_dir / INFO_FILE).write_text(json.dumps(asdict(info)))


def _clear_pid_file(state_dir: Path, pid: int) -> None:
    pid_file = state_dir / PID_FILE
    with contextlib.suppress(FileNotFoundError, ValueError):
        if int(pid_file.read_text().strip()) == pid:
            pid_file.unlink()
            (state_dir / INFO_FILE).unlink(missing_ok=True)


def status(state_dir: Path | str) -> ForgeHandle | None:
    """The forge running for ``state_dir`` (PID alive and answering), or None; clears a stale PID file."""
    state = Path(state_dir).resolve()
    try:
        info = json.loads((state / INFO_FILE).read_text())
        pid = int((state / PID_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    handle = ForgeHandle(**info)
    if pid != handle.pid or not _alive(pid) or not _healthy(handle.url):
        if not _alive(pid):
            _clear_pid_file(state, pid)
        return None
    return handle


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(handle: ForgeHandle, timeout_s: float = 10.0) -> None:
    """Stop exactly ``handle.pid`` (SIGTERM, then SIGKILL after ``timeout_s``) and remove its PID file."""
    if _alive(handle.pid):
        os.kill(handle.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(handle.pid):
            _reap(handle.pid)
            time.sleep(0.05)
        if _alive(handle.pid):
            os.kill(handle.pid, signal.SIGKILL)
            _reap(handle.pid)
    _clear_pid_file(Path(handle.state_dir), handle.pid)


def _reap(pid: int) -> None:
    """Collect the exit status when the forge is our child (so it does not linger as a zombie)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
