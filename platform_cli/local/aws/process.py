"""The moto server process: spawn it, wait until it answers, tell whether a PID is still ours, stop it.

Only a process whose command line is ``<python> -m platform_cli.local.moto_main ... -p <port>`` counts as ours,
so a recycled PID is never signalled.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from platform_cli.local.aws.exceptions import LocalAwsError

SERVER_MODULE = "platform_cli.local.moto_main"
_POLL_SECONDS = 0.02

# Children this interpreter started, so stopping one also reaps it (no zombie left behind).
_children: dict[int, subprocess.Popen[bytes]] = {}


def free_port(host: str) -> int:
    """A TCP port the OS reports free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def server_command(host: str, port: int, python: str = sys.executable) -> list[str]:
    return [python, "-m", SERVER_MODULE, "-H", host, "-p", str(port)]


def spawn(
    host: str, port: int, log_file: Path, python: str = sys.executable, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the server detached from this terminal's session, logging to ``log_file``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # the server needs no credentials
    env.update(extra_env or {})
    with log_file.open("ab") as log:
        child = subprocess.Popen(
            server_command(host, port, python),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    _children[child.pid] = child
    return child


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether an HTTP server answers on ``host:port`` (any status counts). A server that is not listening is
    refused at once; the timeout only bounds a busy one (a loaded machine answers in over 0.5 s)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/moto-api/config")  # cheap; data.json dumps every resource
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def wait_until_answers(child: subprocess.Popen[bytes], host: str, port: int, timeout: float) -> None:
    """Block until the server answers; raise if it exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    pause = _POLL_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            _children.pop(child.pid, None)
            raise LocalAwsError(
                f"local AWS exited with code {child.returncode} while starting on {host}:{port}; see its log"
            )
        if answers(host, port):
            return
        time.sleep(pause)
        pause = min(pause * 1.5, 0.1)  # back off: polling must not steal the CPU the server needs to start
    raise LocalAwsError(f"local AWS did not answer on {host}:{port} within {timeout:.0f} s; see its log")


def _command_line(pid: int) -> list[str] | None:
    proc = Path(f"/proc/{pid}/cmdline")
    if proc.parent.exists():
        try:
            return proc.read_bytes().decode(errors="replace").split("\0")[:-1] or None
        except OSError:
            return None
    try:  # no procfs (macOS): ask ps
        out = subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return out.stdout.split() or None


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time ``pid`` has used so far (Linux procfs), or ``None`` when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def is_alive(pid: int) -> bool:
    """Whether ``pid`` names a live (not zombie) process."""
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def is_ours(pid: int, port: int) -> bool:
    """Whether ``pid`` is alive and is a local AWS server listening on ``port`` (not a recycled PID)."""
    if not is_alive(pid):
        return False
    argv = _command_line(pid)
    if not argv or SERVER_MODULE not in argv:
        return False
    return any(flag in ("-p", "--port") and value == str(port) for flag, value in itertools.pairwise(argv))


def terminate(pid: int, timeout: float = 5.0) -> None:
    """SIGTERM ``pid``, then SIGKILL if it is still alive after ``timeout``; reap it when it is our child."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while is_alive(pid) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
    if is_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait(timeout=timeout)
