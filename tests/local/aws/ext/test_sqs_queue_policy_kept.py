"""A queue keeps its policy when another attribute changes (moto erased it on every SetQueueAttributes)."""

from __future__ import annotations

import json

from platform_cli.local.aws import LocalAws

from .conftest import unique


def test_changing_another_attribute_keeps_the_queue_policy(local_aws: LocalAws) -> None:
    sqs = local_aws.session_for("dev").client("sqs")
    url = sqs.create_queue(QueueName=unique("kept"))["QueueUrl"]
    statement = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "1209600"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["Policy"]) == json.loads(policy)
    assert attributes["MessageRetentionPeriod"] == "1209600"


def test_an_empty_policy_removes_it(local_aws: LocalAws) -> None:
    sqs = local_aws.session_for("dev").client("sqs")
    url = sqs.create_queue(QueueName=unique("removed"))["QueueUrl"]
    statement = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage"}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [statement]})})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
