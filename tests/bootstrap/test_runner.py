"""The runner behind ``mlops bootstrap``: which accounts, how each is reached, and what is reported.

The script itself is exercised against local AWS in test_cli.py and test_script_on_moto.py; here a recorded
command stands in for it so that ordering, skipping and credential handling are visible on their own.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from platform_cli.bootstrap.exceptions import BootstrapError
from platform_cli.bootstrap.runner import (
    Outcome,
    RunOptions,
    error_line,
    outcome_of,
    run_all,
    script_arguments,
)
from platform_cli.bootstrap.targets import Access, parse_profiles, plan_targets, select_environments
from platform_cli.config import PlatformConfig, parse_config

CONFIG = {
    "naming_prefix": "acme-ml",
    "github": {"org": "acme", "auth": "pat", "base_infrastructure_repo": "infra"},
    "aws": {"region": "eu-central-1"},
    "business_units": {
        "retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"},
        "risk": {"dev": "444444444444", "preprod": "555555555555", "prod": "666666666666"},
    },
    "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
}
CREDENTIALS = {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t-value", "SessionToken": "token-value"}


def config(units: tuple[str, ...] = ("retail", "risk")) -> PlatformConfig:
    data = {**CONFIG, "business_units": {name: CONFIG["business_units"][name] for name in units}}  # type: ignore[index]
    return parse_config(data)


class Recorder:
    """Stands in for bootstrap.sh: records each call and answers with the next scripted result."""

    def __init__(self, *answers: tuple[int, str, str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[list[str], dict[str, str]]] = []

    def __call__(self, argv: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        self.calls.append((list(argv), dict(env)))
        code, stdout, stderr = self.answers.pop(0) if self.answers else (0, "No changes to deploy", "")
        return subprocess.CompletedProcess(list(argv), code, stdout, stderr)


def assume(role_arn: str) -> Mapping[str, str]:
    return CREDENTIALS


@pytest.fixture
def options(tmp_path: Path) -> RunOptions:
    script = tmp_path / "bootstrap.sh"
    script.write_text("#!/usr/bin/env bash\n", encoding="utf-8")
    return RunOptions(script=script, log_dir=tmp_path / "logs")


def test_accounts_run_in_promotion_order_with_inputs_from_platform_yaml() -> None:
    targets = plan_targets(config(), "risk", [], {}, None, None)
    assert [(t.environment, t.account_id) for t in targets] == [
        ("dev", "444444444444"),
        ("preprod", "555555555555"),
        ("prod", "666666666666"),
    ]
    assert {(t.naming_prefix, t.github_org, t.github_repo, t.region) for t in targets} == {
        ("acme-ml", "acme", "infra", "eu-central-1")
    }
    assert targets[0].stack_name == "acme-ml-dev-bootstrap"


def test_each_account_is_reached_by_its_organization_role_by_default() -> None:
    targets = plan_targets(config(), "retail", [], {}, None, None)
    assert [t.access for t in targets] == [
        Access(role_arn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole")
        for account in ("111111111111", "222222222222", "333333333333")
    ]


def test_profiles_by_environment_win_over_a_pattern() -> None:
    targets = plan_targets(config(), "retail", [], {"prod": "acme-prod-admin"}, "acme-{environment}", None)
    assert [t.access.profile for t in targets] == ["acme-dev", "acme-preprod", "acme-prod-admin"]


def test_only_the_requested_environments_run_still_in_order() -> None:
    assert select_environments(["prod", "dev"]) == ["dev", "prod"]
    with pytest.raises(BootstrapError, match="unknown environment 'qa'"):
        select_environments(["qa"])


def test_several_business_units_need_a_choice() -> None:
    with pytest.raises(BootstrapError, match=r"several business units \(retail, risk\); pass --business-unit"):
        plan_targets(config(), None, [], {}, None, None)
    (only,) = {t.business_unit for t in plan_targets(config(("retail",)), None, [], {}, None, None)}
    assert only == "retail"


@pytest.mark.parametrize("pair", ["dev", "qa=x", "dev=", "dev=has space"])
def test_bad_profile_options_are_refused(pair: str) -> None:
    with pytest.raises(BootstrapError, match="use ENV=PROFILE"):
        parse_profiles([pair])


def test_a_profile_pattern_must_vary_by_account() -> None:
    with pytest.raises(BootstrapError, match="must contain"):
        plan_targets(config(), "retail", [], {}, "acme-admin", None)


def test_role_credentials_travel_in_the_environment_never_on_the_command_line(options: RunOptions) -> None:
    recorder = Recorder()
    targets = plan_targets(config(), "retail", ["dev"], {}, None, None)
    run_all(targets, options, {"AWS_PROFILE": "admin", "PATH": "/bin"}, assume, recorder)
    ((argv, env),) = recorder.calls
    assert "--expect-account" in argv and argv[argv.index("--expect-account") + 1] == "111111111111"
    assert not any(secret in " ".join(argv) for secret in CREDENTIALS.values())
    assert env["AWS_SECRET_ACCESS_KEY"] == "s3cr3t-value"
    assert "AWS_PROFILE" not in env  # it would take precedence over the role's keys


def test_a_profile_is_named_on_the_command_line_and_stray_keys_are_dropped(options: RunOptions) -> None:
    recorder = Recorder()
    targets = plan_targets(config(), "retail", ["dev"], {"dev": "acme-dev"}, None, None)
    run_all(targets, options, {"AWS_ACCESS_KEY_ID": "AKIASTRAY", "PATH": "/bin"}, assume, recorder)
    ((argv, env),) = recorder.calls
    assert argv[-2:] == ["--profile", "acme-dev"]
    assert "AWS_ACCESS_KEY_ID" not in env


def test_after_a_failure_the_remaining_accounts_are_skipped(options: RunOptions) -> None:
    recorder = Recorder((0, "stack (create)", ""), (1, "", "bootstrap.sh: error: wrong account: 999999999999\n"))
    targets = plan_targets(config(), "retail", [], {}, None, None)
    results = run_all(targets, options, {}, assume, recorder)
    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.FAILED, Outcome.SKIPPED]
    assert results[1].detail == "wrong account: 999999999999"
    assert len(recorder.calls) == 2
    assert results[1].log_path is not None and "wrong account" in results[1].log_path.read_text(encoding="utf-8")


def test_keep_going_runs_every_account(options: RunOptions) -> None:
    recorder = Recorder((1, "", "bootstrap.sh: error: boom\n"))
    targets = plan_targets(config(), "retail", [], {}, None, None)
    keep_going = RunOptions(script=options.script, log_dir=options.log_dir, keep_going=True)
    results = run_all(targets, keep_going, {}, assume, recorder)
    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_a_missing_script_is_reported_before_any_account(tmp_path: Path) -> None:
    missing = RunOptions(script=tmp_path / "nope.sh", log_dir=tmp_path)
    targets = plan_targets(config(), "retail", [], {}, None, None)
    with pytest.raises(BootstrapError, match="bootstrap script not found"):
        run_all(targets, missing, {}, assume, Recorder())


def test_outcome_and_error_line_are_read_from_the_scripts_output() -> None:
    assert outcome_of("stack  x (create)\nSuccessfully created/updated stack", dry_run=False) is Outcome.CREATED
    assert outcome_of("No changes to deploy. Stack x is up to date", dry_run=False) is Outcome.UNCHANGED
    assert outcome_of("(update if changed, now CREATE_COMPLETE)\nSuccessfully", dry_run=False) is Outcome.UPDATED
    assert outcome_of("anything", dry_run=True) is Outcome.DRY_RUN
    assert error_line("", "noise\nbootstrap.sh: error: invalid region 'x'\n") == "invalid region 'x'"
    assert error_line("last words\n", "") == "last words"


def test_dry_run_is_passed_to_the_script(options: RunOptions, tmp_path: Path) -> None:
    targets = plan_targets(config(), "retail", ["dev"], {}, None, None)
    dry = RunOptions(script=options.script, log_dir=options.log_dir, dry_run=True)
    assert "--dry-run" in script_arguments(targets[0], dry, tmp_path / "out.json")
    assert "--dry-run" not in script_arguments(targets[0], options, tmp_path / "out.json")
