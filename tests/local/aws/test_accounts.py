"""Accounts of local AWS: reached by AssumeRole through generated profiles, from boto3, the AWS CLI and env."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_cli.local.aws import LocalAws, UnknownAccountError

ACCOUNT_OF = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}


def aws_cli() -> str:
    """The AWS CLI of this virtual environment (the dev extra), else the one on PATH."""
    beside = Path(sys.executable).with_name("aws")
    found = str(beside) if beside.exists() else shutil.which("aws")
    assert found, "the AWS CLI is required: pip install -e '.[dev]'"
    return found


@pytest.mark.parametrize("environment", ["dev", "preprod", "prod"])
def test_session_for_an_environment_assumes_the_org_access_role_in_its_account(
    local_aws: LocalAws, environment: str
) -> None:
    identity = local_aws.session_for(environment).client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT_OF[environment]
    assert ":assumed-role/OrganizationAccountAccessRole/" in identity["Arn"]


def test_session_for_an_account_id_reaches_that_account(local_aws: LocalAws) -> None:
    identity = local_aws.session_for("222222222222").client("sts").get_caller_identity()
    assert identity["Account"] == "222222222222"


def test_session_without_an_account_uses_the_management_account(local_aws: LocalAws) -> None:
    assert local_aws.session_for().client("sts").get_caller_identity()["Account"] == "123456789012"


def test_an_unknown_account_is_refused_naming_the_known_ones(local_aws: LocalAws) -> None:
    with pytest.raises(UnknownAccountError, match=r"no account 'staging'.*dev \(111111111111\)"):
        local_aws.session_for("staging")


def test_each_member_account_has_the_org_access_role_trusting_management(local_aws: LocalAws) -> None:
    for environment, account in ACCOUNT_OF.items():
        role = local_aws.session_for(environment).client("iam").get_role(RoleName="OrganizationAccountAccessRole")
        assert role["Role"]["Arn"] == f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        trust = role["Role"]["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert trust["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_accounts_are_isolated_from_each_other(clean_local_aws: LocalAws) -> None:
    clean_local_aws.session_for("dev").client("ssm").put_parameter(
        Name="/mlops/environment", Value="dev", Type="String"
    )
    prod_ssm = clean_local_aws.session_for("prod").client("ssm")
    assert prod_ssm.get_parameters(Names=["/mlops/environment"])["InvalidParameters"] == ["/mlops/environment"]


def test_generated_config_has_one_assume_role_profile_per_account_with_the_endpoint(local_aws: LocalAws) -> None:
    info = local_aws.info()
    config = configparser.ConfigParser()
    config.read(info.config_file)
    assert config["profile mlops-local"]["endpoint_url"] == info.endpoint_url
    for environment, account in ACCOUNT_OF.items():
        profile = config[f"profile mlops-local-{environment}"]
        assert profile["role_arn"] == f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        assert profile["source_profile"] == "mlops-local"
        assert profile["endpoint_url"] == info.endpoint_url
        assert profile["region"] == "eu-west-1"


def test_env_for_points_at_the_profile_endpoint_and_region(local_aws: LocalAws) -> None:
    info = local_aws.info()
    env = local_aws.env_for("preprod")
    assert env["AWS_PROFILE"] == "mlops-local-preprod"
    assert env["AWS_ENDPOINT_URL"] == info.endpoint_url
    assert env["AWS_CONFIG_FILE"] == str(info.config_file)
    assert env["AWS_SHARED_CREDENTIALS_FILE"] == str(info.credentials_file)
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_aws_cli_with_env_for_lands_in_the_account_even_with_real_looking_credentials_around(
    local_aws: LocalAws,
) -> None:
    parent = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIAREALLOOKINGKEY00", "AWS_SECRET_ACCESS_KEY": "real-secret"}
    result = subprocess.run(
        [aws_cli(), "sts", "get-caller-identity"],
        env={**parent, **local_aws.env_for("prod")},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    identity = json.loads(result.stdout)
    assert identity["Account"] == "333333333333"
    assert "OrganizationAccountAccessRole" in identity["Arn"]


def test_aws_cli_creates_a_bucket_that_boto3_sees_in_the_same_account(clean_local_aws: LocalAws) -> None:
    subprocess.run(
        [aws_cli(), "s3", "mb", "s3://mlops-cli-check"],
        env={**os.environ, **clean_local_aws.env_for("dev")},
        capture_output=True,
        check=True,
        timeout=60,
    )
    names = [b["Name"] for b in clean_local_aws.session_for("dev").client("s3").list_buckets()["Buckets"]]
    assert "mlops-cli-check" in names
    prod = [b["Name"] for b in clean_local_aws.session_for("prod").client("s3").list_buckets()["Buckets"]]
    assert "mlops-cli-check" not in prod


def test_reset_forgets_resources_but_keeps_the_member_roles(local_aws: LocalAws) -> None:
    ssm = local_aws.session_for("dev").client("ssm")
    ssm.put_parameter(Name="/reset/check", Value="x", Type="String")
    local_aws.reset()
    ssm = local_aws.session_for("dev").client("ssm")  # the sessions issued before the reset are forgotten with it
    assert ssm.get_parameters(Names=["/reset/check"])["InvalidParameters"] == ["/reset/check"]
    iam = local_aws.session_for("dev").client("iam")
    assert iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]["RoleName"] == "OrganizationAccountAccessRole"


def test_local_aws_env_fixture_sends_default_clients_to_dev(local_aws_env: dict[str, str]) -> None:
    import boto3

    assert boto3.client("sts").get_caller_identity()["Account"] == "111111111111"


def test_aws_cli_lands_in_the_account_after_a_reset_despite_its_credential_cache(local_aws: LocalAws) -> None:
    def account_seen() -> str:
        result = subprocess.run(
            [aws_cli(), "sts", "get-caller-identity"],
            env={**os.environ, **local_aws.env_for("prod")},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return str(json.loads(result.stdout)["Account"])

    assert account_seen() == "333333333333"  # fills the CLI's assumed-role cache
    local_aws.reset()  # moto forgets the credentials it issued
    assert account_seen() == "333333333333"


def test_sessions_taken_after_a_reset_still_reach_their_account(local_aws: LocalAws) -> None:
    before = local_aws.session_for("preprod")
    local_aws.reset()
    after = local_aws.session_for("preprod")
    assert after is not before
    assert after.client("sts").get_caller_identity()["Account"] == "222222222222"
