"""Approval for real: UpdateModelPackage emits SageMaker's state-change event on the default bus, the platform's
rule matches Approved only, and its Lambda target runs through the runtime, retried into the dead-letter queue."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from platform_cli.local.project_chain import approve_model_package

from .functions import create_function

# base-infrastructure/terraform/modules/project_lambdas/main.tf, aws_cloudwatch_event_rule.model_approved
APPROVED_PATTERN = {
    "source": ["aws.sagemaker"],
    "detail-type": ["SageMaker Model Package State Change"],
    "detail": {"ModelApprovalStatus": ["Approved"]},
}
REGION = "eu-west-1"


def _eventually(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


class Approval:
    """A model package group, the approval rule targeting a function, and the function's dead-letter queue."""

    def __init__(self, dev: boto3.Session, handler: str, permitted: bool = True, dead_letters: bool = True) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.dev = dev
        self.bucket = f"chain-events-{suffix}"
        dev.client("s3").create_bucket(Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        sqs = dev.client("sqs")
        self.queue_url = sqs.create_queue(QueueName=f"dlq-{suffix}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        function = create_function(
            dev.client("lambda"),
            dev.client("iam"),
            handler,
            Environment={"Variables": {"LOG_BUCKET": self.bucket}},
            DeadLetterConfig={"TargetArn": queue_arn},
        )
        self.function_name = function["FunctionName"]
        events = dev.client("events")
        self.group = f"group-{suffix}"
        pattern = json.loads(json.dumps(APPROVED_PATTERN))
        pattern["detail"]["ModelPackageGroupName"] = [self.group]  # isolates this test's events from others'
        rule_arn = events.put_rule(Name=f"approved-{suffix}", EventPattern=json.dumps(pattern))["RuleArn"]
        # as project_lambdas' aws_sqs_queue_policy: EventBridge may dead-letter this rule's events here
        admitted = {
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }
        if dead_letters:
            sqs.set_queue_attributes(
                QueueUrl=self.queue_url,
                Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [admitted]})},
            )
        if permitted:  # as project_lambdas' aws_lambda_permission: EventBridge may invoke it for this rule only
            dev.client("lambda").add_permission(
                FunctionName=self.function_name,
                StatementId="AllowModelApprovedRule",
                Action="lambda:InvokeFunction",
                Principal="events.amazonaws.com",
                SourceArn=rule_arn,
            )
        events.put_targets(
            Rule=f"approved-{suffix}",
            Targets=[
                {
                    "Id": "trigger-workflow",
                    "Arn": function["FunctionArn"],
                    "DeadLetterConfig": {"Arn": queue_arn},
                    "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 8},
                }
            ],
        )
        self.sagemaker = dev.client("sagemaker")
        self.sagemaker.create_model_package_group(ModelPackageGroupName=self.group)
        self.package_arn = self.sagemaker.create_model_package(
            ModelPackageGroupName=self.group, ModelApprovalStatus="PendingManualApproval"
        )["ModelPackageArn"]

    def received(self) -> list[dict[str, Any]]:
        s3 = self.dev.client("s3")
        listed = s3.list_objects_v2(Bucket=self.bucket, Prefix="events/").get("Contents", [])
        return [json.loads(s3.get_object(Bucket=self.bucket, Key=o["Key"])["Body"].read()) for o in listed]

    def dead_letters(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = (
            self.dev.client("sqs")
            .receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
            .get("Messages", [])
        )
        return messages

    def invocations(self) -> int:
        logs = self.dev.client("logs")
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{self.function_name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return 0
        return sum(1 for event in events if event["message"].startswith("START RequestId:"))


@pytest.fixture
def recording(dev: boto3.Session) -> Approval:
    return Approval(dev, "record")


def test_an_approval_emits_the_documented_event_and_dispatches_exactly_once(recording: Approval) -> None:
    approve_model_package(recording.sagemaker, recording.package_arn)
    [event] = _eventually(recording.received)
    assert event["source"] == "aws.sagemaker"
    assert event["detail-type"] == "SageMaker Model Package State Change"
    assert event["resources"] == [recording.package_arn]
    assert event["detail"]["ModelPackageArn"] == recording.package_arn
    assert event["detail"]["ModelPackageGroupName"] == recording.group
    assert event["detail"]["ModelApprovalStatus"] == "Approved"
    time.sleep(2)  # a second dispatch would have landed by now
    assert len(recording.received()) == 1


def test_a_rejection_dispatches_nothing(recording: Approval) -> None:
    approve_model_package(recording.sagemaker, recording.package_arn, status="Rejected")
    time.sleep(3)
    assert recording.received() == []
    assert recording.invocations() == 0


def test_a_failing_trigger_is_retried_and_the_event_lands_in_the_dead_letter_queue(dev: boto3.Session) -> None:
    failing = Approval(dev, "fail")
    approve_model_package(failing.sagemaker, failing.package_arn)
    [message] = _eventually(failing.dead_letters, timeout=60)
    assert json.loads(message["Body"])["detail"]["ModelPackageArn"] == failing.package_arn
    assert message["MessageAttributes"]["ErrorMessage"]["StringValue"] == "dispatch failed: forge answered 502"
    assert failing.invocations() == 3  # the first attempt and Lambda's two asynchronous retries


def test_a_trigger_that_does_not_let_eventbridge_invoke_it_gets_nothing_and_the_event_lands_in_the_dlq(
    dev: boto3.Session,
) -> None:
    """Without the function's permission for the rule (aws_lambda_permission), AWS never invokes it: every
    approval would go unanswered while local AWS dispatched it."""
    unpermitted = Approval(dev, "record", permitted=False)
    approve_model_package(unpermitted.sagemaker, unpermitted.package_arn)
    [message] = _eventually(unpermitted.dead_letters, timeout=30)
    assert json.loads(message["Body"])["detail"]["ModelPackageArn"] == unpermitted.package_arn
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "NO_PERMISSIONS"
    assert "events.amazonaws.com" in message["MessageAttributes"]["ERROR_MESSAGE"]["StringValue"]
    assert unpermitted.invocations() == 0 and unpermitted.received() == []


def test_an_eventbridge_dead_letter_the_queue_policy_does_not_admit_is_lost(dev: boto3.Session) -> None:
    """On AWS EventBridge sends dead letters as events.amazonaws.com: without the queue policy's grant (as
    project_lambdas' aws_sqs_queue_policy gives it) the event is lost, counted only in a metric."""
    unadmitted = Approval(dev, "record", permitted=False, dead_letters=False)
    approve_model_package(unadmitted.sagemaker, unadmitted.package_arn)
    time.sleep(3)
    assert unadmitted.dead_letters() == [] and unadmitted.invocations() == 0
