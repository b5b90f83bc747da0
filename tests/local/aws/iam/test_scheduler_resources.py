"""The resource ARNs local IAM evaluates EventBridge Scheduler and transform-job calls on (issue 17): AWS puts a
schedule in the group "default" when the request names none, so a policy on schedule/default/<name> applies."""

from __future__ import annotations

from platform_cli.local.iam.resources import resource_of

WHERE = {"partition": "aws", "region": "eu-west-1", "account": "111111111111"}


def test_a_schedule_without_a_group_is_in_the_default_group() -> None:
    arn = resource_of("scheduler:CreateSchedule", {"Name": "churn-prod-batch"}, **WHERE)
    assert arn == "arn:aws:scheduler:eu-west-1:111111111111:schedule/default/churn-prod-batch"


def test_a_schedule_in_a_named_group_is_in_that_group() -> None:
    arn = resource_of("scheduler:DeleteSchedule", {"Name": "nightly", "GroupName": "batch"}, **WHERE)
    assert arn == "arn:aws:scheduler:eu-west-1:111111111111:schedule/batch/nightly"


def test_a_transform_job_is_named_by_its_job_name() -> None:
    arn = resource_of("sagemaker:CreateTransformJob", {"TransformJobName": "churn-prod-sched-0a1b"}, **WHERE)
    assert arn == "arn:aws:sagemaker:eu-west-1:111111111111:transform-job/churn-prod-sched-0a1b"


def test_the_default_group_is_the_schedulers_alone() -> None:
    """Another service's ${GroupName} (resource-groups names its groups so too) gets no "default" filled in."""
    assert resource_of("resource-groups:GetGroup", {}, **WHERE) == "*"
    assert resource_of("resource-groups:GetGroup", {"GroupName": "g"}, **WHERE).endswith(":group/g")
