"""moto extension: security group rules keep their description when they reference a group or a prefix list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platform_cli.local.moto_ext import ec2_security_group_rule_descriptions

REGION = "eu-west-1"


@pytest.fixture
def ec2() -> Iterator[Any]:
    ec2_security_group_rule_descriptions.register()
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def group(ec2: Any) -> str:
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return str(ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"])


def _rule_descriptions(ec2: Any, group: str) -> set[str | None]:
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
    return {rule.get("Description") for rule in rules}


def test_a_rule_towards_another_group_keeps_its_description(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group, "Description": "self traffic"}]}],
    )

    assert "self traffic" in _rule_descriptions(ec2, group)


def test_a_rule_towards_a_prefix_list_keeps_its_description(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": "pl-6da54004", "Description": "S3 over HTTPS"}],
            }
        ],
    )

    assert "S3 over HTTPS" in _rule_descriptions(ec2, group)


def test_a_cidr_rule_keeps_its_description_as_before(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.9.0.0/16", "Description": "vpc"}],
            }
        ],
    )

    assert "vpc" in _rule_descriptions(ec2, group)
