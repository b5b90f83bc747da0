"""`mlops doctor` checks: each passes on a good machine and fails (or warns) with a fix on a bad one."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from platform_cli import doctor as doctor_module
from platform_cli.cli import doctor as doctor_cli
from platform_cli.doctor import (
    CallerIdentity,
    Status,
    TokenInfo,
    check_aws_cli,
    check_aws_credentials,
    check_config,
    check_git,
    check_github_token,
    check_python,
    check_terraform,
    run_checks,
)
from platform_cli.doctor.stages import Account
from platform_cli.errors import PlatformError
from tests.fixtures.cli import Invoke


class FakeProbe:
    def __init__(
        self,
        tools: dict[str, str] | None = None,
        python: tuple[int, int, int] = (3, 12, 1),
        failing: Sequence[str] = (),
    ) -> None:
        self.tools = {"terraform": "Terraform v1.9.8\non linux_amd64", "git": "git version 2.45.0", "aws": ""}
        self.tools.update(tools or {})
        self.python = python
        self.failing = set(failing)

    def which(self, tool: str) -> str | None:
        return f"/usr/bin/{tool}" if tool in self.tools else None

    def run(self, argv: Sequence[str]) -> str:
        if argv[0] in self.failing:
            raise subprocess.CalledProcessError(1, list(argv))
        return self.tools[argv[0]]

    def python_version(self) -> tuple[int, int, int]:
        return self.python


def without(tool: str) -> FakeProbe:
    probe = FakeProbe()
    del probe.tools[tool]
    return probe


def test_python_311_or_newer_passes() -> None:
    assert check_python(FakeProbe(python=(3, 11, 0))).status is Status.PASS


def test_python_310_fails_with_the_fix() -> None:
    result = check_python(FakeProbe(python=(3, 10, 12)))
    assert (result.status, result.detail, result.fix) == (
        Status.FAIL,
        "Python 3.10.12 is too old",
        "install Python 3.11 or newer",
    )


def test_terraform_19_or_newer_passes() -> None:
    result = check_terraform(FakeProbe())
    assert (result.status, result.detail) == (Status.PASS, "Terraform 1.9.8")


def test_terraform_older_than_19_fails() -> None:
    result = check_terraform(FakeProbe(tools={"terraform": "Terraform v1.5.7"}))
    assert result.status is Status.FAIL
    assert result.detail == "Terraform 1.5.7 is older than 1.9"
    assert "install Terraform 1.9 or newer" in result.fix


def test_missing_terraform_fails() -> None:
    result = check_terraform(without("terraform"))
    assert (result.status, result.detail) == (Status.FAIL, "terraform not found on PATH")


def test_terraform_that_cannot_run_fails() -> None:
    assert check_terraform(FakeProbe(failing=["terraform"])).status is Status.FAIL


def test_git_present_passes_and_absent_fails() -> None:
    assert check_git(FakeProbe()).detail == "git 2.45.0"
    assert check_git(without("git")).status is Status.FAIL


def test_missing_aws_cli_is_only_a_warning() -> None:
    result = check_aws_cli(without("aws"))
    assert result.status is Status.WARN
    assert "needed only for real accounts" in result.detail


def test_config_check_passes_on_a_valid_file(real_config_file: Path) -> None:
    assert check_config(real_config_file).status is Status.PASS


def test_config_check_fails_on_a_missing_file(tmp_path: Path) -> None:
    result = check_config(tmp_path / "platform.yaml")
    assert result.status is Status.FAIL
    assert "no such file" in result.detail


def test_config_check_fails_on_an_invalid_file_naming_the_field(real_config_file: Path) -> None:
    real_config_file.write_text(real_config_file.read_text().replace('prod: "410987654321"', 'prod: "3"'))
    result = check_config(real_config_file)
    assert result.status is Status.FAIL
    assert "business_units.retail.prod: '3' is not a 12-digit AWS account id" in result.detail


def test_aws_credentials_pass_with_an_identity() -> None:
    result = check_aws_credentials(lambda: CallerIdentity("111111111111", "arn:aws:iam::111111111111:user/ada"))
    assert (result.status, result.detail) == (Status.PASS, "account 111111111111 as arn:aws:iam::111111111111:user/ada")


def test_aws_credentials_fail_without_leaking_the_error_text() -> None:
    def refuse() -> CallerIdentity:
        raise RuntimeError("secret-ish details")

    result = check_aws_credentials(refuse)
    assert result.status is Status.FAIL
    assert "secret-ish" not in result.detail
    assert "RuntimeError" in result.detail


def test_github_token_with_the_needed_scopes_passes() -> None:
    result = check_github_token(lambda: TokenInfo("ada", frozenset({"repo", "workflow", "admin:org"})))
    assert result.status is Status.PASS


def test_github_token_missing_scopes_names_them() -> None:
    result = check_github_token(lambda: TokenInfo("ada", frozenset({"repo"})))
    assert result.status is Status.FAIL
    assert result.detail == "token of ada lacks scopes: read:org, workflow"


def test_github_token_without_classic_scopes_passes() -> None:
    assert check_github_token(lambda: TokenInfo("app", None)).status is Status.PASS


def test_unreachable_github_fails() -> None:
    def refuse() -> TokenInfo:
        raise PlatformError("GitHub at https://api.github.com refused the token (401)")

    result = check_github_token(refuse)
    assert (result.status, result.detail) == (Status.FAIL, "GitHub at https://api.github.com refused the token (401)")


def test_run_checks_fails_when_a_required_check_fails(real_config_file: Path) -> None:
    assert not run_checks(real_config_file, FakeProbe()).failed
    assert run_checks(real_config_file, without("git")).failed
    assert not run_checks(real_config_file, without("aws")).failed


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> FakeProbe:
    fake = FakeProbe()
    monkeypatch.setattr(doctor_cli, "SystemProbe", lambda: fake)
    return fake


def test_doctor_prints_one_line_per_check_and_exits_0(mlops: Invoke, real_config_file: Path, probe: FakeProbe) -> None:
    result = mlops("-c", str(real_config_file), "doctor")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["python", "terraform", "git", "aws-cli", "config"]
    assert all(line.startswith("PASS") for line in lines)


def test_doctor_exits_1_and_shows_the_fix_when_a_check_fails(
    mlops: Invoke, real_config_file: Path, probe: FakeProbe
) -> None:
    probe.tools["terraform"] = "Terraform v1.6.0"
    result = mlops("-c", str(real_config_file), "doctor")
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if " terraform " in line)
    assert line.startswith("FAIL") and "→ install Terraform 1.9 or newer" in line


def test_doctor_json_output_lists_the_checks(mlops: Invoke, real_config_file: Path, probe: FakeProbe) -> None:
    result = mlops("-c", str(real_config_file), "-o", "json", "doctor")
    checks = json.loads(result.stdout)
    assert {check["name"]: check["status"] for check in checks}["aws-cli"] == "pass"


def test_doctor_aws_adds_the_credentials_check(
    mlops: Invoke, real_config_file: Path, probe: FakeProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor_cli, "_aws_identity", lambda: CallerIdentity("111111111111", "arn:aws:sts::x"))
    unreachable = {env: Account(env, "1", None, "no route", "--profile") for env in ("dev", "preprod", "prod")}
    monkeypatch.setattr(doctor_cli, "stage_accounts", lambda *args: ("retail", unreachable))
    result = mlops("-c", str(real_config_file), "doctor", "--aws")
    line = next(line for line in result.stdout.splitlines() if " aws-credentials " in line)
    assert line.startswith("PASS")


def test_doctor_github_fails_without_a_token(
    mlops: Invoke, real_config_file: Path, probe: FakeProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("MLOPS_GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("MLOPS_GITHUB_APP_KEY_FILE", raising=False)
    result = mlops("-c", str(real_config_file), "doctor", "--github")
    assert result.exit_code == 1
    assert "GITHUB_TOKEN is not set (nor MLOPS_GITHUB_TOKEN)" in result.stdout
    assert "no GitHub token for the CLI: set MLOPS_GITHUB_TOKEN" in result.stdout


def test_system_probe_reads_this_machine() -> None:
    probe = doctor_module.SystemProbe()
    assert probe.python_version() >= (3, 11, 0)
    assert probe.which("definitely-not-a-tool-here") is None


def _pointing_at(real_config_file: Path, api_url: str) -> Path:
    real_config_file.write_text(real_config_file.read_text().replace("https://api.github.com", api_url))
    return real_config_file


def test_doctor_github_passes_for_a_token_with_the_scopes_on_a_real_api(
    mlops: Invoke, real_config_file: Path, probe: FakeProbe, forge: Any, forge_org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", forge_org.token)
    result = mlops("-c", str(_pointing_at(real_config_file, forge.api_url)), "doctor", "--github")
    line = next(line for line in result.stdout.splitlines() if " github " in line)
    assert line.startswith("PASS") and forge_org.owner in line


def test_doctor_github_fails_for_a_token_the_api_refuses(
    mlops: Invoke, real_config_file: Path, probe: FakeProbe, forge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "not-a-token")
    result = mlops("-c", str(_pointing_at(real_config_file, forge.api_url)), "doctor", "--github")
    assert result.exit_code == 1
    assert f"GitHub at {forge.api_url} refused the token (401)" in result.stdout


def test_the_terraform_minimum_is_what_base_infrastructure_requires() -> None:
    import re

    from platform_cli.doctor import MIN_TERRAFORM

    root = Path(__file__).resolve().parents[2] / "base-infrastructure" / "terraform"
    required = {
        re.search(r'required_version\s*=\s*">=\s*(\d+)\.(\d+)', path.read_text()).groups()  # type: ignore[union-attr]
        for path in [root / "versions.tf", *root.glob("modules/*/versions.tf")]
    }
    assert {tuple(int(part) for part in found) for found in required} == {MIN_TERRAFORM}


def test_config_check_flags_the_placeholders_config_init_left(config_file: Path) -> None:
    result = check_config(config_file)
    assert result.status is Status.FAIL
    assert result.detail.startswith(f"{config_file}: github.app_id: 123456 is the placeholder `mlops config init`")
    assert result.detail.endswith("(+4 more)")
