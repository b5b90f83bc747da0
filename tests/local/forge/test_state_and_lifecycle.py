"""State survives a restart; the forge runs in-process or as its own process with a PID file."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import requests
from github import Auth, Github

from platform_cli.local.forge import Faults, ForgeServer, start_background, status, stop
from platform_cli.local.forge.exceptions import ForgeStartError


def test_state_and_git_content_survive_a_restart(tmp_path: Path) -> None:
    with ForgeServer(tmp_path) as first:
        token = first.admin.create_user("ada", scopes=["repo"])
        first.admin.create_org("lab", owners=["ada"])
        first.admin.create_repo("lab", "kept", is_template=True)
        first.admin.commit_files("lab/kept", {"a.txt": "a\n"})
        gh = Github(
            base_url=first.api_url, auth=Auth.Token(token), seconds_between_requests=None, seconds_between_writes=None
        )
        gh.get_repo("lab/kept").create_secret("S", "v")
        gh.get_repo("lab/kept").create_variable("V", "1")
    with ForgeServer(tmp_path) as second:
        repo = Github(base_url=second.api_url, auth=Auth.Token(token)).get_repo("lab/kept")
        assert repo.is_template is True
        assert repo.get_variable("V").value == "1"
        assert second.admin.secrets("lab/kept") == {"S": "v"}
        assert [b.name for b in repo.get_branches()] == ["main"]


def test_in_process_server_starts_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    with ForgeServer(tmp_path) as server:
        assert requests.get(f"{server.url}/_forge/health", timeout=5).json() == {"ok": True}
    assert time.perf_counter() - started < 1.0


def test_taken_port_is_a_clear_start_error(tmp_path: Path) -> None:
    with ForgeServer(tmp_path / "a") as server, pytest.raises(ForgeStartError, match="cannot listen"):
        ForgeServer(tmp_path / "b", port=server.port).start()


def test_background_process_writes_pid_file_and_stops_by_pid(tmp_path: Path) -> None:
    handle = start_background(tmp_path)
    try:
        assert (tmp_path / "forge.pid").read_text().strip() == str(handle.pid)
        running = status(tmp_path)
        assert running is not None
        assert (running.pid, running.port) == (handle.pid, handle.port)
        token = handle.admin().create_user("bg")
        assert (
            requests.get(f"{handle.api_url}/user", headers={"Authorization": f"token {token}"}, timeout=5).status_code
            == 200
        )
    finally:
        stop(handle)
    assert status(tmp_path) is None
    assert not (tmp_path / "forge.pid").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(handle.pid, 0)


def test_second_background_start_on_same_state_is_refused(tmp_path: Path) -> None:
    handle = start_background(tmp_path)
    try:
        with pytest.raises(ForgeStartError, match="already runs"):
            start_background(tmp_path)
    finally:
        stop(handle)


def test_background_run_takes_its_faults_from_the_command_line(tmp_path: Path) -> None:
    handle = start_background(tmp_path, faults=Faults(error_rate=1.0, error_status=503))
    try:
        assert requests.get(f"{handle.api_url}/rate_limit", timeout=5).status_code == 503
        assert handle.admin().faults().error_status == 503
    finally:
        stop(handle)


def test_module_entry_point_has_help() -> None:
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "platform_cli.local.forge", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--state-dir" in result.stdout


def test_corrupt_state_is_a_clear_start_error(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ForgeStartError, match="unreadable"):
        ForgeServer(tmp_path).start()


def test_state_file_is_private_to_its_owner(tmp_path: Path) -> None:
    with ForgeServer(tmp_path) as server:
        server.admin.create_user("owner-only")
    assert (tmp_path / "state.json").stat().st_mode & 0o077 == 0
    assert (tmp_path / "admin-token").stat().st_mode & 0o077 == 0


def test_changes_reach_disk_shortly_without_a_stop(tmp_path: Path) -> None:
    with ForgeServer(tmp_path) as server:
        server.admin.create_user("durable")
        state = tmp_path / "state.json"
        deadline = time.monotonic() + 2
        while not (state.exists() and "durable" in state.read_text()):
            assert time.monotonic() < deadline, "state.json never received the change"
            time.sleep(0.02)


def test_background_forge_keeps_state_across_stop_and_start(tmp_path: Path) -> None:
    first = start_background(tmp_path)
    try:
        token = first.admin().create_user("kept")
    finally:
        stop(first)
    second = start_background(tmp_path)
    try:
        response = requests.get(f"{second.api_url}/user", headers={"Authorization": f"token {token}"}, timeout=5)
        assert response.json()["login"] == "kept"
    finally:
        stop(second)
