"""CloudFormation custom resources in local AWS: each request goes to the Lambda through the runtime and the
answer comes back through a pre-signed S3 ResponseURL."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from .functions import create_function

TEMPLATE = {
    "Parameters": {"PhysicalId": {"Type": "String", "Default": ""}, "FailOn": {"Type": "String", "Default": ""}},
    "Resources": {
        "Artifacts": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": ""}},
        "Thing": {
            "Type": "Custom::Thing",
            "DependsOn": "Artifacts",
            "Properties": {
                "ServiceToken": "",
                "Name": "",
                "LogBucket": "",
                "PhysicalId": {"Ref": "PhysicalId"},
                "FailOn": {"Ref": "FailOn"},
            },
        },
    },
    "Outputs": {
        "Echo": {"Value": {"Fn::GetAtt": ["Thing", "Echo"]}},
        "Physical": {"Value": {"Ref": "Thing"}},
    },
}


class Harness:
    def __init__(self, dev: boto3.Session, function_arn: str, log_bucket: str) -> None:
        self.cloudformation = dev.client("cloudformation")
        self.s3 = dev.client("s3")
        self.name = f"thing-{uuid.uuid4().hex[:8]}"
        self.log_bucket = log_bucket
        template = json.loads(json.dumps(TEMPLATE))
        template["Resources"]["Artifacts"]["Properties"]["BucketName"] = f"{self.name}-artifacts"
        template["Resources"]["Thing"]["Properties"].update(
            ServiceToken=function_arn, Name=self.name, LogBucket=log_bucket
        )
        self.template = json.dumps(template)

    def parameters(self, **values: str) -> list[dict[str, str]]:
        return [{"ParameterKey": key, "ParameterValue": value} for key, value in values.items()]

    def create(self, **values: str) -> dict[str, Any]:
        self.cloudformation.create_stack(
            StackName=self.name, TemplateBody=self.template, Parameters=self.parameters(**values)
        )
        return self.describe()

    def describe(self) -> dict[str, Any]:
        stack: dict[str, Any] = self.cloudformation.describe_stacks(StackName=self.name)["Stacks"][0]
        return stack

    def outputs(self) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.describe().get("Outputs", [])}

    def requests(self) -> list[dict[str, Any]]:
        """The requests the function received, in order."""
        listed = self.s3.list_objects_v2(Bucket=self.log_bucket, Prefix=f"requests/{self.name}/").get("Contents", [])
        bodies = [json.loads(self.s3.get_object(Bucket=self.log_bucket, Key=o["Key"])["Body"].read()) for o in listed]
        return bodies  # keys start with the time of the request: listed in order


@pytest.fixture(scope="module")
def answering_function(local_aws: Any) -> tuple[str, str]:
    dev = local_aws.session_for("dev")
    function = create_function(dev.client("lambda"), dev.client("iam"), "custom_resource")
    bucket = f"requests-{uuid.uuid4().hex[:8]}"
    dev.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return function["FunctionArn"], bucket


@pytest.fixture
def stack(dev: boto3.Session, answering_function: tuple[str, str]) -> Harness:
    return Harness(dev, *answering_function)


def test_create_sends_create_and_the_answer_fills_outputs_and_getatt(stack: Harness) -> None:
    described = stack.create(PhysicalId="first")
    assert described["StackStatus"] == "CREATE_COMPLETE"
    assert f"{stack.name}-artifacts" in [bucket["Name"] for bucket in stack.s3.list_buckets()["Buckets"]]
    assert stack.outputs() == {"Echo": stack.name, "Physical": "first"}
    [request] = stack.requests()
    assert request["RequestType"] == "Create"
    assert request["ResponseURL"].startswith("http://127.0.0.1:")
    assert "X-Amz-Signature=" in request["ResponseURL"]


def test_an_update_changing_the_physical_id_then_deletes_the_old_resource(stack: Harness) -> None:
    stack.create(PhysicalId="first")
    stack.cloudformation.update_stack(
        StackName=stack.name, TemplateBody=stack.template, Parameters=stack.parameters(PhysicalId="second")
    )
    assert stack.describe()["StackStatus"] == "UPDATE_COMPLETE"
    kinds = [(r["RequestType"], r.get("PhysicalResourceId")) for r in stack.requests()]
    assert kinds == [("Create", None), ("Update", "first"), ("Delete", "first")]
    update = stack.requests()[1]
    assert update["OldResourceProperties"]["PhysicalId"] == "first"
    assert stack.outputs()["Physical"] == "second"


def test_deleting_the_stack_sends_delete_with_the_physical_id(stack: Harness) -> None:
    stack.create(PhysicalId="first")
    stack.cloudformation.delete_stack(StackName=stack.name)
    assert [(r["RequestType"], r.get("PhysicalResourceId")) for r in stack.requests()][-1] == ("Delete", "first")


def test_a_failed_create_rolls_back_the_stack_and_deletes_what_it_created(stack: Harness) -> None:
    described = stack.create(PhysicalId="first", FailOn="Create")
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    events = stack.cloudformation.describe_stack_events(StackName=stack.name)["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["LogicalResourceId"] == "Thing"]
    assert any("Message returned: asked to fail" in reason for reason in reasons)
    assert [r["RequestType"] for r in stack.requests()] == ["Create", "Delete"]
    buckets = [bucket["Name"] for bucket in stack.s3.list_buckets()["Buckets"]]
    assert f"{stack.name}-artifacts" not in buckets


def test_a_failed_update_rolls_the_stack_back(stack: Harness) -> None:
    stack.create(PhysicalId="first")
    stack.cloudformation.update_stack(
        StackName=stack.name,
        TemplateBody=stack.template,
        Parameters=stack.parameters(PhysicalId="first", FailOn="Update"),
    )
    assert stack.describe()["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert stack.outputs()["Physical"] == "first"


def test_a_function_that_never_answers_fails_the_create_and_its_rollback_as_cloudformation_times_out(
    dev: boto3.Session, answering_function: tuple[str, str]
) -> None:
    silent = create_function(dev.client("lambda"), dev.client("iam"), "whoami")  # returns without answering
    stack = Harness(dev, silent["FunctionArn"], answering_function[1])
    # the rollback's Delete gets no answer either: the stack is stuck, as on AWS after the hour-long waits
    assert stack.create(PhysicalId="first")["StackStatus"] == "ROLLBACK_FAILED"
    events = stack.cloudformation.describe_stack_events(StackName=stack.name)["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["LogicalResourceId"] == "Thing"]
    assert any("did not receive a response from your Custom Resource" in reason for reason in reasons)
