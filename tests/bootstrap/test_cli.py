"""``mlops bootstrap`` end to end on local AWS: refusals, a wrong-account profile, a dry run by profile pattern.

Bootstrapping the three accounts of a unit by role (and the summary of a re-run) is in test_script_on_moto.py,
where ``mlops bootstrap`` makes the second run over the accounts the script bootstrapped first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.local.aws import ACCOUNTS, LocalAws, profile_name
from tests.bootstrap.scripting import script_env
from tests.bootstrap.template import SCRIPT_PATH

pytestmark = pytest.mark.slow


@pytest.fixture
def platform_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "platform.yaml"
    config = {
        "naming_prefix": "mlops",
        "github": {"org": "acme", "auth": "pat"},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": dict(ACCOUNTS)},
        "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
def management_env(clean_local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """This process (and so the scripts it starts) holds the base credentials of local AWS's management account."""
    for name, value in script_env(clean_local_aws, None).items():
        monkeypatch.setenv(name, value)
    return clean_local_aws


def mlops(platform_yaml: Path, tmp_path: Path, *bootstrap_args: str, output: str = "text") -> tuple[int, str, str]:
    argv = ["-c", str(platform_yaml), "--output", output, "bootstrap", "--script", str(SCRIPT_PATH)]
    argv += ["--log-dir", str(tmp_path / "logs"), *bootstrap_args]
    result = CliRunner().invoke(app, argv)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_unattended_run_without_yes_changes_nothing(
    management_env: LocalAws, platform_yaml: Path, tmp_path: Path
) -> None:
    code, _, stderr = mlops(platform_yaml, tmp_path)
    assert code == 1
    assert "error: not a terminal: pass --yes" in stderr
    cloudformation = management_env.session_for("dev").client("cloudformation", region_name="eu-west-1")
    assert cloudformation.list_stacks()["StackSummaries"] == []


def test_a_profile_for_the_wrong_account_fails_that_account_and_skips_the_rest(
    management_env: LocalAws, platform_yaml: Path, tmp_path: Path
) -> None:
    # dev's profile actually reaches the preprod account: --expect-account stops it before anything is created.
    code, stdout, stderr = mlops(
        platform_yaml, tmp_path, "--yes", "--profile", f"dev={profile_name('preprod')}", output="json"
    )
    assert code == 1
    results = json.loads(stdout)
    assert [r["outcome"] for r in results] == ["failed", "skipped", "skipped"]
    assert "wrong account: the credentials belong to 222222222222, --expect-account is 111111111111" in stderr
    assert stderr.strip().splitlines()[-1].startswith("error: dev (111111111111): wrong account")
    for environment in ACCOUNTS:
        cloudformation = management_env.session_for(environment).client("cloudformation", region_name="eu-west-1")
        assert cloudformation.list_stacks()["StackSummaries"] == []


def test_dry_run_by_profile_pattern_needs_no_confirmation_and_creates_nothing(
    management_env: LocalAws, platform_yaml: Path, tmp_path: Path
) -> None:
    pattern = profile_name("{environment}")
    code, stdout, stderr = mlops(platform_yaml, tmp_path, "--dry-run", "--env", "prod", "--profile-pattern", pattern)
    assert code == 0, stderr
    assert "prod " in stdout and "dry run" in stdout
    assert f"via profile {profile_name('prod')}" in stderr
    s3 = management_env.session_for("prod").client("s3")
    assert s3.list_buckets()["Buckets"] == []
