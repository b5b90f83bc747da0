"""bootstrap.sh: its options, its refusals (one clear line, non-zero exit, nothing created), prompts, dry runs,
other regions, an existing OIDC provider and changed inputs. Each test starts from an empty local AWS."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from platform_cli.local.aws import ACCOUNTS, LocalAws
from tests.bootstrap.scripting import deploy_args, run_script, script_env
from tests.bootstrap.template import SCRIPT_PATH

DEV = ACCOUNTS["dev"]


def nothing_created(local_aws: LocalAws, environment: str = "dev") -> None:
    session = local_aws.session_for(environment)
    cloudformation = session.client("cloudformation", region_name="eu-west-1")
    live = [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    assert live == []
    assert session.client("s3").list_buckets()["Buckets"] == []
    iam = session.client("iam")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("mlops-")] == []
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert session.client("dynamodb", region_name="eu-west-1").list_tables()["TableNames"] == []


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_shellcheck_finds_nothing() -> None:
    shellcheck = Path(sys.executable).parent / "shellcheck"
    result = subprocess.run([str(shellcheck), str(SCRIPT_PATH)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")


def test_script_is_strict_bash() -> None:
    lines = SCRIPT_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines


def test_help_documents_every_option_and_exits_zero() -> None:
    result = run_script(script_env(None, None), "--help")
    assert result.returncode == 0
    for option in (
        "--env", "--org", "--repo", "--prefix", "--region", "--profile", "--expect-account", "--oidc-provider-arn",
        "--dry-run", "--yes", "--outputs-file", "MLOPS_ENV", "MLOPS_GITHUB_ORG", "AWS_ENDPOINT_URL",
    ):  # fmt: skip
        assert option in result.stdout, option


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--env", "staging"], "unknown environment 'staging': use dev, preprod or prod"),
        (["--org", "-acme"], "invalid GitHub organisation '-acme'"),
        (["--org", "acme/*"], "invalid GitHub organisation 'acme/*'"),
        (["--repo", "infra/*"], "invalid repository name 'infra/*'"),
        (["--prefix", "MLOps"], "invalid naming prefix 'MLOps'"),
        (["--region", "europe"], "invalid region 'europe'"),
        (["--expect-account", "12345"], "invalid --expect-account '12345'"),
        (["--oidc-provider-arn", "arn:aws:iam::111111111111:oidc-provider/example.com"], "invalid --oidc-provider-arn"),
        (["--state-retention-days", "5"], "invalid --state-retention-days '5'"),
        (["--template", "/nonexistent/bootstrap.yaml"], "template not found: /nonexistent/bootstrap.yaml"),
        (["--bogus"], "unknown option '--bogus'"),
        (["--org"], "option --org needs a value"),
    ],
)
def test_bad_input_stops_with_one_line_before_any_aws_call(tmp_path: Path, args: list[str], message: str) -> None:
    # The aws on PATH records every call and fails: a bad input must be refused before the first one.
    calls = tmp_path / "aws-calls"
    fake_aws = tmp_path / "bin" / "aws"
    fake_aws.parent.mkdir()
    fake_aws.write_text(f'#!/usr/bin/env bash\necho "$*" >> {calls}\nexit 99\n', encoding="utf-8")
    fake_aws.chmod(0o755)
    env = script_env(None, None, AWS_REGION="")
    env["PATH"] = f"{fake_aws.parent}{os.pathsep}{env['PATH']}"
    base = {"--env": "dev", "--org": "acme", "--region": "eu-west-1"}
    argv = [item for key, value in base.items() if key not in args for item in (key, value)]
    result = run_script(env, *argv, "--yes", *args)
    assert result.returncode != 0
    (line,) = error_lines(result)
    assert line.startswith("bootstrap.sh: error: ")
    assert message in line
    assert not calls.exists(), f"aws was called: {calls.read_text(encoding='utf-8')}"


def test_wrong_account_stops_with_one_line_and_creates_nothing(clean_local_aws: LocalAws) -> None:
    result = run_script(script_env(clean_local_aws, "dev"), *deploy_args("dev", ACCOUNTS["preprod"]))
    assert result.returncode != 0
    (line,) = error_lines(result)
    assert line == (
        "bootstrap.sh: error: wrong account: the credentials belong to 111111111111, --expect-account is "
        "222222222222; switch profile"
    )
    nothing_created(clean_local_aws)


def test_missing_credentials_stop_before_anything_is_created(clean_local_aws: LocalAws, tmp_path: Path) -> None:
    env = script_env(
        clean_local_aws,
        "dev",
        AWS_PROFILE="",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    result = run_script(env, "--env", "dev", "--org", "acme", "--region", "eu-west-1", "--yes")
    assert result.returncode != 0
    (line,) = error_lines(result)
    assert line.startswith("bootstrap.sh: error: no usable AWS credentials (")
    nothing_created(clean_local_aws)


def test_missing_org_without_a_terminal_is_an_error_not_a_prompt(clean_local_aws: LocalAws) -> None:
    result = run_script(script_env(clean_local_aws, "dev", MLOPS_GITHUB_ORG=""), "--env", "dev", "--yes")
    assert result.returncode != 0
    assert "missing GitHub organisation: pass --org ORG (or set MLOPS_GITHUB_ORG)" in result.stderr
    nothing_created(clean_local_aws)


def test_unattended_run_requires_yes(clean_local_aws: LocalAws) -> None:
    result = run_script(script_env(clean_local_aws, "dev"), "--env", "dev", "--org", "acme", "--region", "eu-west-1")
    assert result.returncode != 0
    assert "not a terminal and no --yes: pass --yes to run unattended" in result.stderr
    nothing_created(clean_local_aws)


def _run_in_terminal(env: dict[str, str], args: list[str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run the script on a pseudo-terminal, answering each prompt (a line ending in ': ') in turn."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        ["bash", str(SCRIPT_PATH), *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True
    )
    os.close(terminal)
    transcript, pending, deadline = "", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096).decode(errors="replace")
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
            if pending and transcript.rstrip(" ").endswith(":"):
                os.write(controller, (pending.pop(0) + "\n").encode())
        elif child.poll() is not None:
            break
    child.wait(timeout=10)
    os.close(controller)
    return child.returncode, transcript


def test_terminal_prompts_offer_defaults_and_confirmation(clean_local_aws: LocalAws) -> None:
    env = script_env(clean_local_aws, "dev")
    code, transcript = _run_in_terminal(env, ["--env", "dev", "--org", "acme"], ["", "", "eu-west-1", "n"])
    assert "base-infrastructure repository [base-infrastructure]:" in transcript
    assert "Naming prefix [mlops]:" in transcript
    assert "AWS region [eu-west-1]:" in transcript
    assert "Proceed? [y/N]:" in transcript
    assert "cancelled; nothing was changed" in transcript
    assert code == 1
    nothing_created(clean_local_aws)


def test_dry_run_from_environment_variables_shows_the_change_set_and_creates_nothing(
    clean_local_aws: LocalAws,
) -> None:
    env = script_env(
        clean_local_aws,
        "dev",
        MLOPS_ENV="dev",
        MLOPS_GITHUB_ORG="acme",
        MLOPS_NAMING_PREFIX="acme-ml",
        MLOPS_EXPECT_ACCOUNT=DEV,
        MLOPS_ASSUME_YES="1",
        MLOPS_DRY_RUN="1",
        AWS_REGION="eu-west-1",
    )
    result = run_script(env)
    assert result.returncode == 0, result.stderr
    assert "stack          acme-ml-dev-bootstrap (create)" in result.stdout
    assert f"state bucket   acme-ml-dev-state-{DEV}-eu-west-1" in result.stdout
    assert "(CREATE) would make these changes" in result.stdout
    for resource in ("StateBucket", "LockTable", "ApplyRole", "PlanRole", "PermissionsBoundary", "GitHubOidcProvider"):
        assert f"Add      {resource} " in result.stdout, resource
    assert "Next steps" not in result.stdout
    nothing_created(clean_local_aws)


def test_us_east_1_works_like_any_other_region(clean_local_aws: LocalAws) -> None:
    result = run_script(
        script_env(clean_local_aws, "prod"),
        "--env", "prod", "--org", "acme", "--region", "us-east-1", "--expect-account", ACCOUNTS["prod"], "--yes",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    s3 = clean_local_aws.session_for("prod").client("s3", region_name="us-east-1")
    bucket = f"mlops-prod-state-{ACCOUNTS['prod']}-us-east-1"
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None  # us-east-1's way of saying so
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    dynamodb = clean_local_aws.session_for("prod").client("dynamodb", region_name="us-east-1")
    assert dynamodb.list_tables()["TableNames"] == ["mlops-prod-terraform-locks"]


def test_an_existing_oidc_provider_is_reused_not_duplicated(clean_local_aws: LocalAws) -> None:
    iam = clean_local_aws.session_for("dev").client("iam")
    existing = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    result = run_script(script_env(clean_local_aws, "dev"), *deploy_args("dev", DEV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OIDC provider  reuse {existing} (found in the account)" in result.stdout
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [existing]
    role = iam.get_role(RoleName="mlops-dev-github-apply")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Federated": existing}
    rerun = run_script(script_env(clean_local_aws, "dev"), *deploy_args("dev", DEV))
    assert "No changes to deploy" in rerun.stdout and f"reuse {existing} (kept from the stack)" in rerun.stdout


def test_changed_inputs_update_the_stack(clean_local_aws: LocalAws) -> None:
    env = script_env(clean_local_aws, "dev")
    assert run_script(env, *deploy_args("dev", DEV)).returncode == 0
    cloudformation = clean_local_aws.session_for("dev").client("cloudformation", region_name="eu-west-1")
    events_before = len(cloudformation.describe_stack_events(StackName="mlops-dev-bootstrap")["StackEvents"])
    result = run_script(env, *deploy_args("dev", DEV, "--repo", "platform-infra", "--state-retention-days", "90"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes to deploy" not in result.stdout
    (stack,) = cloudformation.describe_stacks(StackName="mlops-dev-bootstrap")["Stacks"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert (parameters["GitHubRepo"], parameters["StateVersionRetentionDays"]) == ("platform-infra", "90")
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert len(cloudformation.describe_stack_events(StackName="mlops-dev-bootstrap")["StackEvents"]) > events_before
    # moto re-renders only resources whose template text changed, so the roles keep their old trust here; the
    # trust rendered for a changed repository is asserted in test_template.py (CloudFormation updates it).
