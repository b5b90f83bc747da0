"""The moto extensions bootstrap.yaml needs (platform_cli/local/moto_ext), each shown on a minimal stack deployed
in-process through a change set, as ``aws cloudformation deploy`` does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from platform_cli.local.moto_ext import register_all

REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    register_all()
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def deploy(session: boto3.Session, resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    cloudformation = session.client("cloudformation")
    body = json.dumps({"Resources": resources, "Outputs": outputs or {}})
    change_set = cloudformation.create_change_set(
        StackName="gap",
        ChangeSetName="one",
        TemplateBody=body,
        ChangeSetType="CREATE",
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    cloudformation.execute_change_set(ChangeSetName=change_set["Id"], StackName="gap")
    return body


def test_kms_key_with_tags_is_created_with_them(aws: boto3.Session) -> None:
    deploy(
        aws,
        {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}, "Tags": [{"Key": "team", "Value": "ml"}]}}},
    )
    kms = aws.client("kms")
    (key,) = kms.list_keys()["Keys"]
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "ml"}]


def test_bucket_settings_are_applied(aws: boto3.Session) -> None:
    properties = {
        "BucketName": "gap-state",
        "VersioningConfiguration": {"Status": "Enabled"},
        "PublicAccessBlockConfiguration": dict.fromkeys(
            ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], True
        ),
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "LoggingConfiguration": {"DestinationBucketName": "gap-logs", "LogFilePrefix": "state/"},
        "LifecycleConfiguration": {
            "Rules": [{"Id": "old", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]
        },
    }
    deploy(
        aws,
        {
            "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-logs"}},
            "State": {"Type": "AWS::S3::Bucket", "DependsOn": "Logs", "Properties": properties},
        },
    )
    s3 = aws.client("s3")
    assert s3.get_bucket_versioning(Bucket="gap-state")["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket="gap-state")["PublicAccessBlockConfiguration"].values())
    rules = s3.get_bucket_ownership_controls(Bucket="gap-state")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert s3.get_bucket_logging(Bucket="gap-state")["LoggingEnabled"] == {
        "TargetBucket": "gap-logs",
        "TargetPrefix": "state/",
    }
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket="gap-state")["Rules"]
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30


def test_bucket_policy_reaches_the_bucket(aws: boto3.Session) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::gap-pol/*"}
        ],
    }
    deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-pol"}},
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": document},
            },
        },
    )
    assert json.loads(aws.client("s3").get_bucket_policy(Bucket="gap-pol")["Policy"]) == document


def test_role_gets_its_managed_policies_attached(aws: boto3.Session) -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    deploy(
        aws,
        {
            "Policy": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"ManagedPolicyName": "gap", "PolicyDocument": document},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "gap",
                    "AssumeRolePolicyDocument": trust,
                    "ManagedPolicyArns": [{"Ref": "Policy"}],
                },
            },
        },
    )
    attached = aws.client("iam").list_attached_role_policies(RoleName="gap")["AttachedPolicies"]
    assert [policy["PolicyName"] for policy in attached] == ["gap"]


def test_table_gets_point_in_time_recovery(aws: boto3.Session) -> None:
    properties = {
        "TableName": "gap",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    deploy(aws, {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": properties}})
    backups = aws.client("dynamodb").describe_continuous_backups(TableName="gap")["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_oidc_provider_is_created_and_ref_is_its_arn(aws: boto3.Session) -> None:
    provider = {
        "Url": "https://token.actions.githubusercontent.com",
        "ClientIdList": ["sts.amazonaws.com"],
        "ThumbprintList": ["a" * 40],
    }
    deploy(
        aws,
        {"Provider": {"Type": "AWS::IAM::OIDCProvider", "Properties": provider}},
        {"Arn": {"Value": {"Ref": "Provider"}}},
    )
    (listed,) = aws.client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert listed["Arn"].endswith(":oidc-provider/token.actions.githubusercontent.com")
    (stack,) = aws.client("cloudformation").describe_stacks(StackName="gap")["Stacks"]
    assert stack["Outputs"][0]["OutputValue"] == listed["Arn"]


def test_outputs_exist_after_the_change_set_runs(aws: boto3.Session) -> None:
    deploy(
        aws,
        {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-out"}}},
        {"Name": {"Value": {"Ref": "Bucket"}}},
    )
    (stack,) = aws.client("cloudformation").describe_stacks(StackName="gap")["Stacks"]
    assert [(o["OutputKey"], o["OutputValue"]) for o in stack["Outputs"]] == [("Name", "gap-out")]


def test_change_set_without_changes_fails_as_cloudformation_does(aws: boto3.Session) -> None:
    body = deploy(aws, {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-same"}}})
    cloudformation = aws.client("cloudformation")
    change_set = cloudformation.create_change_set(
        StackName="gap", ChangeSetName="two", TemplateBody=body, ChangeSetType="UPDATE"
    )
    described = cloudformation.describe_change_set(ChangeSetName=change_set["Id"], StackName="gap")
    assert described["Status"] == "FAILED"
    assert "didn't contain changes" in described["StatusReason"]


def test_termination_protection_blocks_deletion_until_disabled(aws: boto3.Session) -> None:
    deploy(aws, {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-keep"}}})
    cloudformation = aws.client("cloudformation")
    cloudformation.update_termination_protection(StackName="gap", EnableTerminationProtection=True)
    assert cloudformation.describe_stacks(StackName="gap")["Stacks"][0]["EnableTerminationProtection"] is True
    with pytest.raises(ClientError, match="TerminationProtection is enabled"):
        cloudformation.delete_stack(StackName="gap")
    cloudformation.update_termination_protection(StackName="gap", EnableTerminationProtection=False)
    cloudformation.delete_stack(StackName="gap")
