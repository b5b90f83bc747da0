"""The demo's check that a project stack's resources exist in local AWS, not only in the stack's own record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platform_cli.local.demo.stack_resources import stack_resources

TEMPLATE = {
    "Resources": {
        "ArtifactBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "demo-artifacts"}},
        "PipelineRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "demo-pipeline",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "sagemaker.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic"},
    }
}


@pytest.fixture
def session() -> Iterator[Any]:
    with mock_aws():
        session = boto3.Session(region_name="eu-west-1")
        session.client("cloudformation").create_stack(StackName="project", TemplateBody=json.dumps(TEMPLATE))
        yield session


def test_the_buckets_and_roles_of_a_stack_are_counted_when_they_exist(session: Any) -> None:
    found = stack_resources(session, "project")
    assert found.missing == []
    assert found.present == {"bucket": 1, "role": 1}
    assert found.summary() == "1 bucket, 1 role"


def test_a_resource_the_stack_lists_but_local_aws_lacks_is_named(session: Any) -> None:
    session.client("s3").delete_bucket(Bucket="demo-artifacts")
    found = stack_resources(session, "project")
    assert found.present == {"role": 1}
    assert found.missing == ["ArtifactBucket (bucket demo-artifacts: ClientError)"]
