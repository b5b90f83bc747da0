"""Local AWS server lifecycle: up on a free or given port, status, idempotent up, down of exactly our process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_cli.local.aws import LocalAws, LocalAwsError, LocalAwsNotRunningError
from platform_cli.local.aws.process import answers, free_port, is_alive


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    local = LocalAws(tmp_path_factory.mktemp("lifecycle"))
    local.up()
    yield local
    local.down()


def test_up_binds_the_given_port(tmp_path: Path) -> None:
    local = LocalAws(tmp_path)
    port = free_port("127.0.0.1")
    try:
        info = local.up(port=port)
        assert info.port == port
        assert info.endpoint_url == f"http://127.0.0.1:{port}"
    finally:
        local.down()


def test_up_records_pid_port_and_start_time_in_the_state_file(running: LocalAws) -> None:
    info = running.info()
    recorded = json.loads((running.state_dir / "server.json").read_text())
    assert recorded["pid"] == info.pid
    assert recorded["port"] == info.port
    assert recorded["host"] == "127.0.0.1"
    assert abs(recorded["started_at"] - time.time()) < 600


def test_up_again_returns_the_running_server(running: LocalAws) -> None:
    first = running.info()
    assert running.up() == first
    assert LocalAws(running.state_dir).up() == first  # another handle (another CLI call) sees the same server


def test_up_on_another_port_while_running_is_refused(running: LocalAws) -> None:
    with pytest.raises(LocalAwsError, match="already runs on port"):
        running.up(port=free_port("127.0.0.1"))


def test_up_on_a_port_in_use_names_the_port(running: LocalAws, tmp_path: Path) -> None:
    busy = running.info().port
    with pytest.raises(LocalAwsError, match=f"port {busy} on 127.0.0.1 is in use"):
        LocalAws(tmp_path).up(port=busy)


def test_status_reports_endpoint_accounts_profiles_and_uptime(running: LocalAws) -> None:
    status = running.status().to_json()
    info = running.info()
    assert status["running"] is True
    assert status["pid"] == info.pid
    assert status["endpoint_url"] == info.endpoint_url
    assert status["accounts"] == {
        "management": "123456789012",
        "dev": "111111111111",
        "preprod": "222222222222",
        "prod": "333333333333",
    }
    assert status["profiles"]["prod"] == "mlops-local-prod"
    assert isinstance(status["uptime_seconds"], float)
    assert status["uptime_seconds"] >= 0


def test_status_without_a_server_says_not_running(tmp_path: Path) -> None:
    status = LocalAws(tmp_path).status()
    assert status.alive is False
    assert status.recorded is False
    assert status.to_json()["running"] is False


def test_info_without_a_server_raises_a_one_line_actionable_error(tmp_path: Path) -> None:
    with pytest.raises(LocalAwsNotRunningError, match="run up first"):
        LocalAws(tmp_path).info()


def test_down_stops_exactly_the_recorded_process_and_clears_the_state(tmp_path: Path) -> None:
    local = LocalAws(tmp_path)
    info = local.up()
    assert local.down() is True
    assert not is_alive(info.pid)
    assert not answers(info.host, info.port)
    assert not (tmp_path / "server.json").exists()
    assert local.down() is False


def test_down_never_signals_a_pid_that_is_no_longer_ours(tmp_path: Path) -> None:
    # A recycled PID: the state file names a live process that is not a local AWS server.
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        port = free_port("127.0.0.1")
        (tmp_path / "server.json").write_text(
            json.dumps(
                {
                    "pid": stranger.pid,
                    "host": "127.0.0.1",
                    "port": port,
                    "started_at": time.time(),
                    "region": "eu-west-1",
                    "accounts": {"dev": "111111111111"},
                }
            )
        )
        local = LocalAws(tmp_path)
        assert local.status().alive is False
        assert local.down() is False
        assert stranger.poll() is None, "down() killed a process it did not start"
        assert not (tmp_path / "server.json").exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_a_stale_record_of_a_dead_server_is_replaced_by_up(tmp_path: Path) -> None:
    local = LocalAws(tmp_path)
    first = local.up()
    os.kill(first.pid, 9)
    deadline = time.monotonic() + 5
    while is_alive(first.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        second = local.up()
        assert second.pid != first.pid
        assert answers(second.host, second.port)
    finally:
        local.down()
