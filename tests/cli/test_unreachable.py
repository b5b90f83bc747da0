"""A network that cannot be reached: every command fails fast with one line naming what it could not reach and
how to fix it, never a traceback (that takes --debug). Everything here points at closed ports on 127.0.0.1 — as
the API URL, or as the HTTPS proxy every request must go through — so nothing leaves this machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_cli.config_template import render_config
from platform_cli.github.client import ClientPolicy, build_client
from platform_cli.github.credentials import GitHubCredentials
from tests.fixtures.cli import REAL_VALUES

REPO_ROOT = Path(__file__).resolve().parents[2]
MLOPS = Path(sys.executable).parent / "mlops"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    """An environment with only an AWS profile (static keys, no endpoint), whose every HTTPS request must go
    through a proxy on a closed loopback port: AWS and github.com are unreachable, as on a machine offline."""
    aws = tmp_path / "aws"
    aws.mkdir()
    (aws / "config").write_text("[profile acme-dev]\nregion = eu-west-1\n")
    (aws / "credentials").write_text("[acme-dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    proxy = f"http://127.0.0.1:{closed_port()}"
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "MLOPS_", "GITHUB_")) and "PROXY" not in k.upper()
    }
    return {
        **base,
        "AWS_CONFIG_FILE": str(aws / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"),
        "AWS_PROFILE": "acme-dev",
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
        "NO_PROXY": "",
        "MLOPS_GITHUB_TOKEN": "ghp_offline_test_token",
        "COLUMNS": "200",
    }


@pytest.fixture
def real_org_config(tmp_path: Path) -> Path:
    path = tmp_path / "platform.yaml"
    path.write_text(render_config(REAL_VALUES))  # api_url https://api.github.com
    return path


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MLOPS), *args], env=env, capture_output=True, text=True, input=stdin, timeout=120, check=False
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("publishing ")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_org_publish_with_github_unreachable_says_what_and_how_to_fix_it(
    offline: dict[str, str], real_org_config: Path, tmp_path: Path
) -> None:
    result = run(
        offline,
        "-c",
        str(real_org_config),
        "org",
        "publish",
        "--kit",
        str(REPO_ROOT),
        "--bootstrap-outputs",
        str(tmp_path),
    )
    line = one_error_line(result)
    assert "could not reach GitHub at api.github.com" in line
    assert "HTTPS_PROXY" in line and "github.api_url" in line
    assert "ghp_offline_test_token" not in result.stderr + result.stdout


def test_org_publish_against_a_closed_local_port_names_it(offline: dict[str, str], tmp_path: Path) -> None:
    port = closed_port()
    config = tmp_path / "platform.yaml"
    config.write_text(render_config({**REAL_VALUES, "api_url": f"http://127.0.0.1:{port}/api/v3", "auth": "pat"}))
    env = {k: v for k, v in offline.items() if "PROXY" not in k}
    result = run(
        env, "-c", str(config), "org", "publish", "--kit", str(REPO_ROOT), "--bootstrap-outputs", str(tmp_path)
    )
    assert f"could not reach GitHub at 127.0.0.1:{port}" in one_error_line(result)


def test_project_create_with_only_an_aws_profile_and_no_reachable_aws_prints_one_line(
    offline: dict[str, str], real_org_config: Path
) -> None:
    result = run(
        offline, "-c", str(real_org_config), "project", "create", "churn", "--template", "build-deploy-realtime"
    )
    line = one_error_line(result)
    proxy = offline["HTTPS_PROXY"].removeprefix("http://")
    assert (
        f"finding Service Catalog product mlops-build-deploy-realtime: cannot reach AWS through the proxy {proxy}"
        in line
    )
    assert "check HTTPS_PROXY" in line


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("project", "list"), "", "cannot reach AWS through the proxy"),
        (("github", "set-credentials", "--token-stdin"), "ghp_abc\n", "cannot reach AWS Secrets Manager"),
        (("config", "show"), "", "no such file"),
    ],
    ids=["project-list", "set-credentials", "missing-config"],
)
def test_failing_commands_print_one_line_and_no_traceback(
    offline: dict[str, str], real_org_config: Path, tmp_path: Path, args: tuple[str, ...], stdin: str, expected: str
) -> None:
    config = real_org_config if args[0] != "config" else tmp_path / "absent.yaml"
    result = run(offline, "-c", str(config), *args, stdin=stdin)
    assert expected in one_error_line(result)
    assert "ghp_abc" not in result.stderr + result.stdout


def test_an_unknown_aws_profile_is_named_in_one_line(offline: dict[str, str], real_org_config: Path) -> None:
    result = run({**offline, "AWS_PROFILE": "no-such-profile"}, "-c", str(real_org_config), "project", "list")
    assert "AWS profile 'no-such-profile' is not in your AWS config" in one_error_line(result)


def test_debug_shows_the_traceback_of_the_same_failure(offline: dict[str, str], real_org_config: Path) -> None:
    result = run(
        {**offline, "AWS_PROFILE": "no-such-profile"}, "--debug", "-c", str(real_org_config), "project", "list"
    )
    assert result.returncode != 0
    assert "Traceback" in result.stderr


# --- the bound on retries, counted at a server -------------------------------------------------------------------


@pytest.fixture
def dropping_server() -> Iterator[tuple[int, list[int]]]:
    """A loopback server that accepts each connection and closes it at once (an answer never comes)."""
    accepted: list[int] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            connection.close()

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    try:
        yield int(server.getsockname()[1]), accepted
    finally:
        stop.set()
        worker.join(timeout=2)
        server.close()


def test_a_github_request_that_never_gets_an_answer_is_tried_a_bounded_number_of_times(
    dropping_server: tuple[int, list[int]],
) -> None:
    port, accepted = dropping_server
    policy = ClientPolicy(backoff_factor=0.01, seconds_between_writes=0.0)
    client = build_client(GitHubCredentials.pat("ghp_x"), f"http://127.0.0.1:{port}/api/v3", policy=policy)
    with pytest.raises(Exception) as raised:
        client.get_organization("acme-ml").login  # noqa: B018 - the request is the point
    assert "Traceback" not in str(raised.value)
    assert len(accepted) == 1 + policy.read_retries


def test_the_cli_policy_gives_up_on_an_unreachable_github_after_two_retries() -> None:
    policy = ClientPolicy()
    retry = build_client(GitHubCredentials.pat("ghp_x"), policy=policy).requester._Requester__retry  # type: ignore[attr-defined]
    assert (retry.connect, retry.read, retry.total) == (2, 5, 20)
    assert policy.timeout <= 10


def test_every_aws_client_of_the_cli_has_bounded_timeouts_and_retries() -> None:
    import yaml

    from platform_cli.cli.github_access import aws_session
    from platform_cli.config import parse_config

    session = aws_session(parse_config(yaml.safe_load(render_config(REAL_VALUES))))
    config = session.client("sagemaker").meta.config
    assert (config.connect_timeout, config.read_timeout) == (5.0, 60.0)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
