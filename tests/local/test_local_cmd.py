"""`mlops local up|status|down`: both servers start on loopback, the org is seeded once, down stops exactly them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github

from platform_cli.local.platform import LocalPlatform
from tests.fixtures.cli import Invoke


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    from platform_cli.config_template import EXAMPLE_VALUES, render_config

    root = tmp_path_factory.mktemp("local-platform")
    config = root / "platform.yaml"
    config.write_text(render_config(EXAMPLE_VALUES))
    yield root / "state", config
    LocalPlatform(root / "state").down()


@pytest.fixture(scope="module")
def up_output(started: tuple[Path, Path]) -> dict[str, object]:
    from typer.testing import CliRunner

    from platform_cli.cli.main import app

    state, config = started
    result = CliRunner().invoke(app, ["-c", str(config), "-o", "json", "local", "up", "--state-dir", str(state)])
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_up_starts_local_aws_and_the_forge_on_loopback(up_output: dict[str, object]) -> None:
    aws, forge = up_output["aws"], up_output["forge"]
    assert isinstance(aws, dict) and isinstance(forge, dict)
    assert aws["endpoint_url"].startswith("http://127.0.0.1:")
    assert forge["api_url"].startswith("http://127.0.0.1:") and forge["api_url"].endswith("/api/v3")
    assert aws["accounts"] == {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}


def test_up_seeds_the_org_with_its_teams_and_an_owner_token_readable_only_by_its_owner(
    up_output: dict[str, object],
) -> None:
    token_file = Path(str(up_output["token_file"]))
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    forge = up_output["forge"]
    assert isinstance(forge, dict)
    github = Github(base_url=forge["api_url"], auth=Auth.Token(token_file.read_text()))
    org = github.get_organization("acme-ml")
    assert {team.slug for team in org.get_teams()} == {"ml-reviewers", "ml-platform"}
    assert github.get_user().login == "platform-admin"


def test_up_again_finds_the_running_servers(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, object]
) -> None:
    state, config = started
    again = json.loads(mlops("-c", str(config), "-o", "json", "local", "up", "--state-dir", str(state)).stdout)
    assert again["aws"]["pid"] == up_output["aws"]["pid"]  # type: ignore[index]
    assert again["forge"]["pid"] == up_output["forge"]["pid"]  # type: ignore[index]


def test_status_shows_endpoints_accounts_and_uptime(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, object]
) -> None:
    state, _ = started
    status = json.loads(mlops("-o", "json", "local", "status", "--state-dir", str(state)).stdout)
    assert status["aws"]["running"] and status["forge"]["running"]
    assert status["aws"]["uptime_seconds"] >= 0
    assert status["forge"]["api_url"] == up_output["forge"]["api_url"]  # type: ignore[index]
    text = mlops("local", "status", "--state-dir", str(state)).stdout
    assert "running" in text and "111111111111" in text


def test_down_stops_exactly_the_recorded_processes(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, object]
) -> None:
    state, _ = started
    pids = [up_output["aws"]["pid"], up_output["forge"]["pid"]]  # type: ignore[index]
    result = json.loads(mlops("-o", "json", "local", "down", "--state-dir", str(state)).stdout)
    assert result == {"aws": True, "forge": True}
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert json.loads(mlops("-o", "json", "local", "down", "--state-dir", str(state)).stdout) == {
        "aws": False,
        "forge": False,
    }


def test_decisions_has_help_naming_its_filters(mlops: Invoke) -> None:
    result = mlops("local", "decisions", "--help")
    assert result.exit_code == 0
    for option in ("--last", "--principal", "--denied"):
        assert option in result.stdout


def test_decisions_lists_the_last_denials_of_one_principal(mlops: Invoke, tmp_path: Path) -> None:
    log = tmp_path / "aws" / "iam-decisions.jsonl"
    log.parent.mkdir(parents=True)
    rows = [
        {
            "principal": f"arn:aws:sts::1:assumed-role/{who}/s",
            "action": action,
            "resource": "*",
            "allowed": ok,
            "enforced": True,
            "reason": "r",
            "message": f"User: {who} is not authorized to perform: {action}",
        }
        for who, action, ok in [
            ("apply", "iam:CreateRole", False),
            ("plan", "s3:GetObject", False),
            ("apply", "iam:GetRole", True),
            ("apply", "kms:Decrypt", False),
        ]
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))

    result = mlops(
        "-o",
        "json",
        "local",
        "decisions",
        "--state-dir",
        str(tmp_path),
        "--principal",
        "role/apply/",
        "--denied",
        "--last",
        "5",
    )

    assert result.exit_code == 0, result.stderr
    assert [d["action"] for d in json.loads(result.stdout)] == ["iam:CreateRole", "kms:Decrypt"]


def test_up_offers_the_permissive_switch_in_its_help(mlops: Invoke) -> None:
    result = mlops("local", "up", "--help")
    assert "--permissive" in result.stdout


def test_decisions_prints_each_denial_with_awss_message_and_arns_intact(mlops: Invoke, tmp_path: Path) -> None:
    log = tmp_path / "aws" / "iam-decisions.jsonl"
    log.parent.mkdir(parents=True)
    secret = "arn:aws:secretsmanager:eu-west-1:1:secret:mlops/github/credentials-Ab12"
    message = (
        f"User: arn:aws:iam::1:role/x is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret}"
    )
    row = {
        "principal": "arn:aws:iam::1:role/x",
        "action": "secretsmanager:GetSecretValue",
        "resource": secret,
        "allowed": False,
        "enforced": True,
        "reason": "r",
        "message": message,
    }
    log.write_text(json.dumps(row) + "\n")

    result = mlops("local", "decisions", "--state-dir", str(tmp_path))

    assert result.exit_code == 0, result.stderr
    assert f"DENIED  arn:aws:iam::1:role/x  secretsmanager:GetSecretValue  {secret}" in result.stdout
    assert message in result.stdout
