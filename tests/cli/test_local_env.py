"""`mlops local env`: the variables that point mlops, the AWS CLI and Terraform at the local servers, quoted so
that `eval` in a POSIX shell (or `source` in fish) sets exactly these values; the names are the ones the CLI reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import typer.main

from platform_cli.cli import github_access, local_cmd
from platform_cli.cli.context import API_URL_ENV
from platform_cli.cli.local_env import CONFIG_ENV, LOCAL_STATE_ENV, LocalEnvironment, Shell, local_environment, render
from platform_cli.cli.main import app

STATUS = {
    "aws": {
        "endpoint_url": "http://127.0.0.1:5000",
        "region": "eu-west-1",
        "config_file": "/tmp/state dir/aws/aws-config",
        "credentials_file": "/tmp/state dir/aws/aws-credentials",
    },
    "forge": {"api_url": "http://127.0.0.1:6000/api/v3"},
    "token_file": "/tmp/state dir/tokens/platform-admin.token",
}


def environment() -> LocalEnvironment:
    return local_environment(
        STATUS, profile="mlops-local-dev", config_path="/work/it's here/platform.yaml", state_dir="/tmp/state dir"
    )


def test_it_points_aws_tools_at_local_aws_as_the_dev_profile() -> None:
    values = environment().set
    assert values["AWS_ENDPOINT_URL"] == values["AWS_ENDPOINT_URL_STS"] == "http://127.0.0.1:5000"
    assert values["AWS_PROFILE"] == "mlops-local-dev"
    assert values["AWS_CONFIG_FILE"] == "/tmp/state dir/aws/aws-config"
    assert values["AWS_SHARED_CREDENTIALS_FILE"] == "/tmp/state dir/aws/aws-credentials"
    assert values["AWS_REGION"] == values["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_it_points_mlops_at_the_forge_with_the_token_file_never_the_token() -> None:
    values = environment().set
    assert values[API_URL_ENV] == "http://127.0.0.1:6000/api/v3"
    assert values[github_access.TOKEN_FILE_ENV] == "/tmp/state dir/tokens/platform-admin.token"
    assert github_access.TOKEN_ENV not in values
    assert {github_access.TOKEN_ENV, "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"} <= set(environment().unset)


def test_the_names_it_sets_are_the_ones_the_cli_reads() -> None:
    """Producer and consumer: MLOPS_CONFIG is --config's variable, MLOPS_LOCAL_STATE --state-dir's,
    MLOPS_PROFILE_PATTERN bootstrap's --profile-pattern's (set to the local profiles' names)."""
    command = typer.main.get_command(app)
    config_option = next(p for p in command.params if p.name == "config")
    assert config_option.envvar == CONFIG_ENV
    bootstrap = command.commands["bootstrap"]  # type: ignore[attr-defined]
    pattern = next(p for p in bootstrap.params if p.name == "profile_pattern")
    assert pattern.envvar in environment().set
    assert environment().set[pattern.envvar].format(environment="dev") == "mlops-local-dev"
    local = typer.main.get_command(local_cmd.app)
    for name in ("up", "down", "status", "env", "decisions"):
        state = next(p for p in local.commands[name].params if p.name == "state_dir")  # type: ignore[attr-defined]
        assert state.envvar == LOCAL_STATE_ENV, name


def test_posix_output_evaluates_to_exactly_these_values(tmp_path: Path) -> None:
    script = render(environment(), Shell.POSIX)
    names = " ".join(f'"${name}"' for name in environment().set)
    shown = subprocess.run(
        ["sh", "-c", f'MLOPS_GITHUB_TOKEN=real; eval "$1"; printf "%s|" {names} "${{MLOPS_GITHUB_TOKEN-unset}}"',
         "sh", script],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert shown.split("|")[:-1] == [*environment().set.values(), "unset"]


def test_fish_output_quotes_single_quotes_and_backslashes() -> None:
    lines = render(LocalEnvironment({"A": "it's a\\b"}, unset=("X",)), Shell.FISH).splitlines()
    assert lines == ["set -e X;", "set -gx A 'it\\'s a\\\\b';"]
