"""The real bootstrap.sh against local AWS (moto), for the dev, preprod and prod accounts: what it creates in each
account, and that a second run (through ``mlops bootstrap``, which runs the same script) changes nothing.

moto gaps the template needs are filled by platform_cli/local/moto_ext (bucket settings and policies, PITR, role
policy attachments, the OIDC provider type, stack outputs after a change set, empty change sets, termination
protection). What moto cannot show is tested on the rendered template instead (test_template.py): it evaluates
neither trust conditions nor permissions boundaries, nor policy Conditions such as aws:SecureTransport.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.local.aws import ACCOUNTS, LocalAws
from tests.bootstrap.scripting import deploy_args, run_script, script_env
from tests.bootstrap.template import SCRIPT_PATH

pytestmark = pytest.mark.slow

REGION = "eu-west-1"
OIDC = "token.actions.githubusercontent.com"
ENVIRONMENTS = list(ACCOUNTS)


def stack_state(local_aws: LocalAws, environment: str) -> dict[str, Any]:
    cloudformation = local_aws.session_for(environment).client("cloudformation", region_name=REGION)
    (stack,) = cloudformation.describe_stacks(StackName=f"mlops-{environment}-bootstrap")["Stacks"]
    events = cloudformation.describe_stack_events(StackName=stack["StackId"])["StackEvents"]
    return {
        "status": stack["StackStatus"],
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "parameters": {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]},
        "termination_protection": stack.get("EnableTerminationProtection"),
        "event_ids": sorted(event["EventId"] for event in events),
    }


@pytest.fixture(scope="module")
def first_runs(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Bootstrap the three accounts once for this module, from an empty local AWS."""
    local_aws.reset()
    outputs_dir = tmp_path_factory.mktemp("bootstrap-outputs")
    runs: dict[str, Any] = {}
    for environment, account_id in ACCOUNTS.items():
        outputs_file = outputs_dir / f"{environment}.json"
        result = run_script(
            script_env(local_aws, environment),
            *deploy_args(environment, account_id, "--outputs-file", str(outputs_file)),
        )
        runs[environment] = {
            "result": result,
            "outputs_file": outputs_file,
            "state": stack_state(local_aws, environment),
        }
    return runs


@pytest.fixture(scope="module")
def second_runs(local_aws: LocalAws, first_runs: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The same inputs again for the three accounts, through ``mlops bootstrap`` (which runs the same script with
    the same flags, one account after the other, from the management account's credentials by AssumeRole)."""
    workdir = tmp_path_factory.mktemp("second-run")
    platform_yaml = workdir / "platform.yaml"
    platform_yaml.write_text(
        yaml.safe_dump(
            {
                "naming_prefix": "mlops",
                "github": {"org": "acme", "auth": "pat"},
                "aws": {"region": REGION},
                "business_units": {"retail": dict(ACCOUNTS)},
                "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
            }
        ),
        encoding="utf-8",
    )
    argv = ["-c", str(platform_yaml), "--output", "json", "bootstrap", "--yes", "--script", str(SCRIPT_PATH)]
    argv += ["--log-dir", str(workdir / "logs")]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in script_env(local_aws, None).items():
            patch.setenv(name, value)
        result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.stderr
    return {
        "progress": result.stderr,
        "results": {item["environment"]: item for item in json.loads(result.stdout)},
        "states": {environment: stack_state(local_aws, environment) for environment in ENVIRONMENTS},
    }


def result_of(runs: dict[str, Any], environment: str) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = runs[environment]["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_first_run_creates_the_stack_and_prints_outputs_and_next_steps(
    first_runs: dict[str, Any], environment: str
) -> None:
    result = result_of(first_runs, environment)
    assert first_runs[environment]["state"]["status"] == "CREATE_COMPLETE"
    assert f"account        {ACCOUNTS[environment]} (as expected)" in result.stdout
    assert "ApplyRoleArn" in result.stdout and "Next steps" in result.stdout
    assert f"gh variable set TF_APPLY_ROLE_ARN --repo acme/base-infrastructure --env {environment}" in result.stdout
    assert "mlops org publish" in result.stdout


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_outputs_name_the_resources_of_the_accounts_own_environment(
    first_runs: dict[str, Any], environment: str
) -> None:
    result_of(first_runs, environment)
    account_id = ACCOUNTS[environment]
    outputs = first_runs[environment]["state"]["outputs"]
    assert outputs["AccountId"] == account_id
    assert outputs["Environment"] == environment
    assert outputs["Region"] == REGION
    assert outputs["StateBucketName"] == f"mlops-{environment}-state-{account_id}-{REGION}"
    assert outputs["LockTableName"] == f"mlops-{environment}-terraform-locks"
    assert outputs["PlanRoleArn"] == f"arn:aws:iam::{account_id}:role/mlops-{environment}-github-plan"
    assert outputs["ApplyRoleArn"] == f"arn:aws:iam::{account_id}:role/mlops-{environment}-github-apply"
    assert outputs["OidcProviderArn"] == f"arn:aws:iam::{account_id}:oidc-provider/{OIDC}"
    assert (
        outputs["PermissionsBoundaryArn"]
        == f"arn:aws:iam::{account_id}:policy/mlops-{environment}-permissions-boundary"
    )
    assert outputs["StateKmsKeyArn"].startswith(f"arn:aws:kms:{REGION}:{account_id}:key/")
    written = json.loads(Path(first_runs[environment]["outputs_file"]).read_text(encoding="utf-8"))
    assert {item["OutputKey"]: item["OutputValue"] for item in written} == outputs


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_bucket_is_versioned_kms_encrypted_private_logged_and_owner_enforced(
    local_aws: LocalAws, first_runs: dict[str, Any], environment: str
) -> None:
    outputs = first_runs[environment]["state"]["outputs"]
    s3 = local_aws.session_for(environment).client("s3", region_name=REGION)
    bucket = outputs["StateBucketName"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": outputs["StateKmsKeyArn"],
    }
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging["TargetBucket"] == outputs["StateAccessLogBucketName"]
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365
    assert "Expiration" not in lifecycle  # the current state never expires


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_bucket_policy_is_in_place_and_state_cannot_be_deleted(
    local_aws: LocalAws, first_runs: dict[str, Any], environment: str
) -> None:
    s3 = local_aws.session_for(environment).client("s3", region_name=REGION)
    bucket = first_runs[environment]["state"]["outputs"]["StateBucketName"]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert {statement["Sid"] for statement in policy["Statement"]} == {
        "DenyInsecureTransport",
        "DenyDeletingStateObjects",
        "DenyDeletingStateHistory",
    }
    key = f"base-infrastructure/{environment}.tfstate"
    s3.put_object(Bucket=bucket, Key=key, Body=b"{}")
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=bucket, Key=key)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"{}"
    # The TLS-only statement carries a Condition, which moto cannot decide; test_template.py evaluates it.


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_key_rotates(local_aws: LocalAws, first_runs: dict[str, Any], environment: str) -> None:
    kms = local_aws.session_for(environment).client("kms", region_name=REGION)
    key_arn = first_runs[environment]["state"]["outputs"]["StateKmsKeyArn"]
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_lock_table_is_keyed_by_lockid_on_demand_recoverable_and_protected(
    local_aws: LocalAws, first_runs: dict[str, Any], environment: str
) -> None:
    dynamodb = local_aws.session_for(environment).client("dynamodb", region_name=REGION)
    name = first_runs[environment]["state"]["outputs"]["LockTableName"]
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["DeletionProtectionEnabled"] is True
    backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_roles_exist_in_their_own_account_bounded_and_trusted_for_the_repo(
    local_aws: LocalAws, first_runs: dict[str, Any], environment: str
) -> None:
    outputs = first_runs[environment]["state"]["outputs"]
    iam = local_aws.session_for(environment).client("iam")
    for kind, subject in (("apply", f"environment:{environment}"), ("plan", "environment:plan")):
        role = iam.get_role(RoleName=f"mlops-{environment}-github-{kind}")["Role"]
        assert role["Arn"] == outputs[f"{kind.capitalize()}RoleArn"]
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == outputs["PermissionsBoundaryArn"]
        (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Federated": outputs["OidcProviderArn"]}
        assert statement["Condition"]["StringEquals"][f"{OIDC}:sub"] == f"repo:acme/base-infrastructure:{subject}"
        attached = {
            p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
        }
        expected = {f"mlops-{environment}-github-{kind}"}
        if kind == "apply":  # the derived service actions live in a second policy (IAM's size limit)
            expected |= {f"mlops-{environment}-terraform-state", f"mlops-{environment}-github-apply-services"}
        else:
            expected |= {f"mlops-{environment}-terraform-state-read"}
        assert attached == expected


def test_each_account_holds_only_its_own_environment(local_aws: LocalAws, first_runs: dict[str, Any]) -> None:
    for environment in ENVIRONMENTS:
        iam = local_aws.session_for(environment).client("iam")
        names = {role["RoleName"] for role in iam.list_roles()["Roles"] if role["RoleName"].startswith("mlops-")}
        assert names == {f"mlops-{environment}-github-plan", f"mlops-{environment}-github-apply"}
        providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        assert [p["Arn"] for p in providers] == [first_runs[environment]["state"]["outputs"]["OidcProviderArn"]]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_stack_is_protected_from_deletion(first_runs: dict[str, Any], environment: str) -> None:
    assert first_runs[environment]["state"]["termination_protection"] is True


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_second_run_with_the_same_inputs_changes_nothing_and_exits_zero(
    first_runs: dict[str, Any], second_runs: dict[str, Any], environment: str
) -> None:
    result = second_runs["results"][environment]
    assert result["outcome"] == "unchanged"  # the script printed "No changes to deploy" and exited 0
    log = Path(result["log"]).read_text(encoding="utf-8")
    assert "No changes to deploy" in log and "keep the provider this stack created" in log
    before, after = first_runs[environment]["state"], second_runs["states"][environment]
    assert after["event_ids"] == before["event_ids"], "the second run produced stack events"
    assert after["outputs"] == before["outputs"] == result["outputs"]
    assert after["status"] == "CREATE_COMPLETE"


def test_mlops_bootstrap_reaches_each_account_by_role_and_reports_progress(second_runs: dict[str, Any]) -> None:
    for step, (environment, account_id) in enumerate(ACCOUNTS.items(), start=1):
        role = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        assert f"[{step}/3] {environment} {account_id} via role {role} ..." in second_runs["progress"]
        assert f"[{step}/3] {environment}: unchanged (" in second_runs["progress"]
        assert second_runs["results"][environment]["access"] == f"role {role}"


def test_dry_run_of_an_up_to_date_stack_shows_no_changes(local_aws: LocalAws, second_runs: dict[str, Any]) -> None:
    before = stack_state(local_aws, "dev")
    result = run_script(script_env(local_aws, "dev"), *deploy_args("dev", ACCOUNTS["dev"], "--dry-run"))
    assert result.returncode == 0, result.stderr
    assert "Dry run: no changes; the stack is up to date." in result.stdout
    assert stack_state(local_aws, "dev") == before
