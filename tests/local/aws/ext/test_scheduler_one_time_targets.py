"""EventBridge Scheduler one-time schedules run their target at their time, as their role, then delete themselves."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.moto_ext.scheduler_one_time_targets import fire_time, with_context

from .conftest import unique

REGION = "eu-west-1"


def _role(iam: Any, allowed: list[str], trusting: str = "scheduler.amazonaws.com") -> str:
    name = unique("scheduler-role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": trusting}, "Action": "sts:AssumeRole"}],
    }
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if allowed:
        statement = [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]
        iam.put_role_policy(
            RoleName=name,
            PolicyName="target",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statement}),
        )
    return arn


def _at(seconds: float) -> str:
    return f"at({(datetime.now(UTC) + timedelta(seconds=seconds)).strftime('%Y-%m-%dT%H:%M:%S')})"


@pytest.fixture
def dev(local_aws: LocalAws) -> Any:
    return local_aws.session_for("dev")


def _messages(sqs: Any, url: str, wait: float = 8.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        got: list[dict[str, Any]] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        if got:
            return got
    return []


def test_a_one_time_universal_target_runs_at_its_time_as_its_role_with_context_attributes(dev: Any) -> None:
    sqs, scheduler = dev.client("sqs"), dev.client("scheduler")
    url = sqs.create_queue(QueueName=unique("scheduled"))["QueueUrl"]
    name = unique("once")
    scheduler.create_schedule(
        Name=name,
        ScheduleExpression=_at(2),
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
            "RoleArn": _role(dev.client("iam"), ["sqs:SendMessage"]),
            "Input": json.dumps({"QueueUrl": url, "MessageBody": "run <aws.scheduler.execution-id>"}),
        },
    )
    [message] = _messages(sqs, url)
    assert message["Body"].startswith("run ") and "<aws.scheduler" not in message["Body"]
    assert len(message["Body"].removeprefix("run ")) == 16
    time.sleep(0.5)
    assert [s["Name"] for s in scheduler.list_schedules(NamePrefix=name)["Schedules"]] == []


@pytest.mark.parametrize(
    ("allowed", "trusting"),
    [
        pytest.param([], "scheduler.amazonaws.com", id="a-role-that-may-not-call-the-target"),
        # The scheduler assumes the schedule's role: one trusting another service (a copied Lambda role) fails
        # every invocation on AWS.
        pytest.param(["sqs:SendMessage"], "lambda.amazonaws.com", id="a-role-that-does-not-trust-the-scheduler"),
    ],
)
def test_a_schedule_whose_role_cannot_reach_its_target_does_nothing(
    dev: Any, allowed: list[str], trusting: str
) -> None:
    sqs, scheduler = dev.client("sqs"), dev.client("scheduler")
    url = sqs.create_queue(QueueName=unique("refused"))["QueueUrl"]
    scheduler.create_schedule(
        Name=unique("refused"),
        ScheduleExpression=_at(1),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
            "RoleArn": _role(dev.client("iam"), allowed, trusting=trusting),
            "Input": json.dumps({"QueueUrl": url, "MessageBody": "never"}),
        },
    )
    assert _messages(sqs, url, wait=4) == []


def test_a_deleted_schedule_never_runs(dev: Any) -> None:
    sqs, scheduler = dev.client("sqs"), dev.client("scheduler")
    url = sqs.create_queue(QueueName=unique("deleted"))["QueueUrl"]
    name = unique("deleted")
    scheduler.create_schedule(
        Name=name,
        ScheduleExpression=_at(2),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
            "RoleArn": _role(dev.client("iam"), ["sqs:SendMessage"]),
            "Input": json.dumps({"QueueUrl": url, "MessageBody": "never"}),
        },
    )
    scheduler.delete_schedule(Name=name)
    assert _messages(sqs, url, wait=4) == []


def test_an_at_expression_is_read_in_the_schedules_time_zone() -> None:
    assert fire_time("at(2026-07-01T09:30:00)", "Europe/Berlin") == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert fire_time("at(2026-07-01T09:30:00)", None) == datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert fire_time("cron(0 2 * * ? *)", "UTC") is None


def test_context_attributes_are_filled_in() -> None:
    when = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    text = with_context('{"a": "<aws.scheduler.scheduled-time>", "b": "<aws.scheduler.schedule-arn>"}', "arn:s", when)
    assert json.loads(text) == {"a": "2026-07-01T09:30:00Z", "b": "arn:s"}
