"""What `mlops local env` sets also serves the real-org commands run against the local servers: `config validate`
and `doctor` take the forge in MLOPS_GITHUB_API_URL as a local rehearsal (the placeholder accounts are local AWS's
own), doctor checks the token of MLOPS_GITHUB_TOKEN_FILE and reaches accounts through MLOPS_PROFILE_PATTERN."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from platform_cli.cli import doctor as doctor_cli
from platform_cli.cli.bootstrap_cmd import PROFILE_PATTERN_ENV
from platform_cli.cli.context import API_URL_ENV
from platform_cli.cli.github_access import TOKEN_ENV, TOKEN_FILE_ENV
from platform_cli.cli.main import app
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from tests.fixtures.cli import Invoke

FORGE = "http://127.0.0.1:6000/api/v3"


@pytest.fixture
def init_config(tmp_path: Path) -> Path:
    """platform.yaml as `mlops config init` writes it: github.com, placeholder App and account ids."""
    path = tmp_path / "platform.yaml"
    path.write_text(render_config(EXAMPLE_VALUES))
    return path


def test_validate_takes_placeholders_as_local_when_the_forge_is_the_api(
    mlops: Invoke, init_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = mlops("-c", str(init_config), "config", "validate")
    assert refused.exit_code == 1 and "placeholder" in refused.stderr
    monkeypatch.setenv(API_URL_ENV, FORGE)
    accepted = mlops("-c", str(init_config), "config", "validate")
    assert accepted.exit_code == 0, accepted.stderr
    assert f"{init_config}: valid" in accepted.stdout


def test_doctors_config_check_does_the_same(init_config: Path) -> None:
    from platform_cli.doctor import Status, check_config

    assert check_config(init_config).status is Status.FAIL
    assert check_config(init_config, FORGE).status is Status.PASS


def test_doctor_checks_the_token_in_the_token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (TOKEN_ENV, "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    token = "ghp_" + "local"  # built at run time: no token-shaped literal in the repository
    (tmp_path / "token").write_text(token + "\n")
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "token"))
    assert doctor_cli._token() == (TOKEN_FILE_ENV, token)


def test_doctor_reaches_accounts_through_the_profile_pattern_local_env_sets() -> None:
    command = typer.main.get_command(app).commands["doctor"]  # type: ignore[attr-defined]
    pattern = next(p for p in command.params if p.name == "profile_pattern")
    assert pattern.envvar == PROFILE_PATTERN_ENV
