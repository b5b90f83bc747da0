"""`mlops local up|status|down`: both servers start on loopback, the org is seeded once, down stops exactly them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
def up_output(started: tuple[Path, Path]) -> dict[str, Any]:
    from typer.testing import CliRunner

    from platform_cli.cli.main import app

    state, config = started
    result = CliRunner().invoke(app, ["-c", str(config), "-o", "json", "local", "up", "--state-dir", str(state)])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
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


def test_up_json_carries_the_environment_for_mlops_the_aws_cli_and_terraform(up_output: dict[str, Any]) -> None:
    assert set(up_output) == {"aws", "forge", "org", "token_file", "environment"}
    assert set(up_output["aws"]) == {"endpoint_url", "pid", "region", "accounts", "config_file"}
    assert set(up_output["forge"]) == {"url", "api_url", "pid"}
    values = up_output["environment"]["set"]
    assert values["AWS_ENDPOINT_URL"] == values["AWS_ENDPOINT_URL_STS"] == up_output["aws"]["endpoint_url"]
    assert values["AWS_CONFIG_FILE"] == up_output["aws"]["config_file"]
    assert values["AWS_PROFILE"] == "mlops-local-dev"
    assert values["MLOPS_GITHUB_API_URL"] == up_output["forge"]["api_url"]
    assert values["MLOPS_GITHUB_TOKEN_FILE"] == up_output["token_file"]
    assert "MLOPS_GITHUB_TOKEN" in up_output["environment"]["unset"]


def test_up_ends_by_printing_the_exports_and_how_to_eval_them(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    state, config = started
    text = mlops("-c", str(config), "local", "up", "--state-dir", str(state)).stdout
    assert 'eval "$(mlops local env)"' in text
    assert f"export AWS_ENDPOINT_URL={up_output['aws']['endpoint_url']}" in text
    assert f"export MLOPS_GITHUB_API_URL={up_output['forge']['api_url']}" in text
    assert Path(up_output["token_file"]).read_text() not in text  # the token stays in its file


def _local_env(mlops: Invoke, started: tuple[Path, Path]) -> dict[str, str]:
    """A login shell's environment after `eval "$(mlops local env)"` (run by sh, so the quoting is exercised)."""
    state, config = started
    script = mlops("-c", str(config), "local", "env", "--state-dir", str(state)).stdout
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MLOPS_"))}
    base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"
    shown = subprocess.run(
        ["sh", "-c", 'eval "$1" && env -0', "sh", script], env=base, capture_output=True, text=True, check=True
    ).stdout
    return dict(item.split("=", 1) for item in shown.split("\0") if "=" in item)


def test_after_eval_of_local_env_the_aws_cli_reaches_local_aws_as_dev(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    env = _local_env(mlops, started)
    result = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--output", "json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Account"] == "111111111111"


def test_after_eval_of_local_env_mlops_needs_no_other_setup(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any], tmp_path: Path
) -> None:
    env = _local_env(mlops, started)
    # From another directory, with no --config, no token and no api_url edit: the variables are all it takes.
    result = subprocess.run(
        ["mlops", "-o", "json", "project", "list"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_status_shows_health_and_the_orgs_repositories_and_projects(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    state, config = started
    token = Path(up_output["token_file"]).read_text()
    github = Github(base_url=up_output["forge"]["api_url"], auth=Auth.Token(token))
    github.get_organization("acme-ml").create_repo("status-probe", private=True)

    status = json.loads(mlops("-c", str(config), "-o", "json", "local", "status", "--state-dir", str(state)).stdout)

    assert status["aws"]["healthy"] and status["forge"]["healthy"]
    assert set(status) == {"state_dir", "token_file", "aws", "forge", "org", "repositories", "projects", "problems"}
    assert status["org"] == "acme-ml"
    assert {"name": "status-probe", "template": False, "archived": False}.items() <= next(
        r for r in status["repositories"] if r["name"] == "status-probe"
    ).items()
    assert status["projects"] == [] and status["problems"] == []
    text = mlops("-c", str(config), "local", "status", "--state-dir", str(state)).stdout
    assert text.count("running, healthy") == 2
    assert "Repositories of acme-ml" in text and "status-probe" in text


def test_env_json_has_the_variables_to_set_and_to_unset(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    state, config = started
    data = json.loads(mlops("-c", str(config), "-o", "json", "local", "env", "--state-dir", str(state)).stdout)
    assert set(data) == {"set", "unset"}
    assert data == up_output["environment"]
    prod = json.loads(
        mlops("-c", str(config), "-o", "json", "local", "env", "--state-dir", str(state), "--account", "prod").stdout
    )
    assert prod["set"]["AWS_PROFILE"] == "mlops-local-prod"


def test_env_refuses_an_account_local_aws_does_not_have(mlops: Invoke, started: tuple[Path, Path]) -> None:
    state, config = started
    result = mlops("-c", str(config), "local", "env", "--state-dir", str(state), "--account", "staging")
    assert result.exit_code == 1
    assert "error: --account staging: not an account of local AWS; use one of management, dev, preprod, prod" in (
        result.stderr
    )


def test_env_gives_aws_tools_what_the_demo_gives_terraform(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    """The demo runs Terraform and bootstrap.sh with ``profiles.env_for``: `local env` sets the same values and
    unsets what that blanks."""
    from platform_cli.local.aws import env_for
    from platform_cli.local.aws.state import read_state

    state, config = started
    demo = env_for(read_state(state / "aws"), "dev")  # type: ignore[arg-type]
    ours = json.loads(mlops("-c", str(config), "-o", "json", "local", "env", "--state-dir", str(state)).stdout)
    assert {k: v for k, v in demo.items() if v} == {k: v for k, v in ours["set"].items() if k.startswith("AWS_")}
    assert {k for k, v in demo.items() if not v} <= set(ours["unset"])


def test_env_without_config_points_mlops_at_the_platform_yaml_up_used(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    state, config = started
    monkeypatch.delenv("MLOPS_CONFIG", raising=False)
    data = json.loads(mlops("-o", "json", "local", "env", "--state-dir", str(state)).stdout)
    assert data["set"]["MLOPS_CONFIG"] == str(config.resolve())
    other = state.parent / "other.yaml"
    given = json.loads(mlops("-c", str(other), "-o", "json", "local", "env", "--state-dir", str(state)).stdout)
    assert given["set"]["MLOPS_CONFIG"] == str(other.resolve())


def test_status_tells_a_server_that_lives_but_does_not_answer_from_a_stopped_one_and_env_still_points_at_it(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    import signal

    state, config = started
    forge_pid = up_output["forge"]["pid"]
    os.kill(forge_pid, signal.SIGSTOP)  # alive, answering nothing
    try:
        status = json.loads(mlops("-c", str(config), "-o", "json", "local", "status", "--state-dir", str(state)).stdout)
        text = mlops("-c", str(config), "local", "status", "--state-dir", str(state)).stdout
        # A server slow to answer (a loaded machine) is still where local env points.
        env = json.loads(mlops("-c", str(config), "-o", "json", "local", "env", "--state-dir", str(state)).stdout)
    finally:
        os.kill(forge_pid, signal.SIGCONT)
    assert env["set"]["MLOPS_GITHUB_API_URL"] == up_output["forge"]["api_url"]
    assert (status["forge"]["state"], status["forge"]["healthy"], status["forge"]["pid"]) == (
        "not answering",
        False,
        forge_pid,
    )
    assert status["aws"]["state"] == "healthy"
    assert "NOT ANSWERING" in text


def test_apply_before_bootstrap_is_one_line_naming_mlops_bootstrap_and_runs_no_terraform(
    mlops: Invoke, started: tuple[Path, Path], up_output: dict[str, Any]
) -> None:
    state, config = started
    result = mlops("-c", str(config), "local", "apply", "--state-dir", str(state), "--env", "dev")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the dev account (111111111111) is not bootstrapped (no stack mlops-dev-bootstrap in local AWS): run "
        "`mlops bootstrap --env dev --profile-pattern 'mlops-local-{environment}'` first"
    )
    assert not (state / "terraform" / "dev").exists()  # no working copy: Terraform never ran
    assert not (state / "build" / "lambda.zip").exists()


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


def test_env_with_nothing_running_says_to_run_local_up(mlops: Invoke, tmp_path: Path) -> None:
    result = mlops("local", "env", "--state-dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: the local servers are not running (state dir {tmp_path}); run `mlops local up`"
    )


def test_apply_with_nothing_running_says_to_run_local_up(mlops: Invoke, tmp_path: Path) -> None:
    result = mlops("local", "apply", "--state-dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: local AWS and the forge are not running (state dir {tmp_path}); run `mlops local up`"
    )


def test_apply_takes_the_accounts_in_the_deploy_workflows_order_and_all_by_default() -> None:
    from platform_cli.cli.local_cmd import ApplyEnvironment, apply_environments

    assert apply_environments(None) == ("dev", "preprod", "prod")
    assert apply_environments([ApplyEnvironment.PROD, ApplyEnvironment.DEV]) == ("dev", "prod")
    assert apply_environments([ApplyEnvironment.DEV, ApplyEnvironment.ALL]) == ("dev", "preprod", "prod")


def test_status_with_nothing_running_says_how_to_start(mlops: Invoke, tmp_path: Path) -> None:
    result = mlops("local", "status", "--state-dir", str(tmp_path))
    assert result.exit_code == 0
    data = json.loads(mlops("-o", "json", "local", "status", "--state-dir", str(tmp_path)).stdout)
    assert (data["aws"]["state"], data["forge"]["state"]) == ("stopped", "stopped")
    assert "not running" in result.stdout and "start them with `mlops local up`" in result.stdout
