"""The stage's scheduled batch transform: an EventBridge Scheduler schedule that starts it, no server in between.

On each deploy the workflow upserts one schedule per stage (`<project>-<stage>-batch`, cron and time zone from
config.yaml). Its target is EventBridge Scheduler's universal target for SageMaker CreateTransformJob: the job
runs the stage's active model over `scheduled_transform.input_prefix`, named `<project>-<stage>-sched-<execution
id>` (a context attribute, unique per run), as the account's `<prefix>-batch-schedule` role, which base
infrastructure allows nothing but CreateTransformJob (and tagging it) on `*-sched-*` jobs. A failed run is caught
by the account's failed-transform rule, which matches only `*-<stage>-sched-*` jobs and notifies its SNS topic.
Teardown deletes the schedule.
"""

from __future__ import annotations

import json
from typing import Any

from deploy import transform
from deploy.config import Config, Schedule, Stage
from deploy.platform import AccountPlatform

TARGET_ACTION = "aws-sdk:sagemaker:createTransformJob"  # EventBridge Scheduler universal target
EXECUTION_ID = "<aws.scheduler.execution-id>"  # 16 characters, new for each run
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
ROLE_SUFFIX = "batch-schedule"  # base-infrastructure modules/deploy_targets: <prefix>-batch-schedule
MAX_SCHEDULE_NAME = 64


def schedule_name(project: str, stage: str) -> str:
    return f"{project}-{stage}-batch"[:MAX_SCHEDULE_NAME]


def job_name_template(project: str, stage: str) -> str:
    """`<project>-<stage>-sched-<execution id>`, at most 63 characters once the 16-character id is in."""
    head = f"{project}-{stage}-sched-"
    return head[: transform.MAX_NAME - 16] + EXECUTION_ID


def role_arn(partition: str, account: str, naming_prefix: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{naming_prefix}-{ROLE_SUFFIX}"


def schedule_request(
    *,
    project: str,
    stage: Stage,
    config: Config,
    schedule: Schedule,
    model: str,
    account: AccountPlatform,
    scheduler_role_arn: str,
    tags: list[dict[str, str]],
    partition: str = "aws",
) -> dict[str, Any]:
    """CreateSchedule/UpdateSchedule arguments: the stage's transform of `model`, on the configured cron."""
    job = transform.transform_request(
        job_name_template(project, stage.name),
        model,
        f"s3://{account.artifact_bucket}/{config.input_prefix}",
        f"s3://{account.artifact_bucket}/{config.output_prefix}{SCHEDULED_TIME}",
        stage,
        account,
        config.smoke_content_type,
        tags,
    )
    return {
        "Name": schedule_name(project, stage.name),
        "GroupName": "default",
        "Description": f"Batch transform of {project} in {stage.name} with {model}"[:512],
        "ScheduleExpression": schedule.expression,
        "ScheduleExpressionTimezone": schedule.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED" if schedule.enabled else "DISABLED",
        "Target": {
            "Arn": f"arn:{partition}:scheduler:::{TARGET_ACTION}",
            "RoleArn": scheduler_role_arn,
            "Input": json.dumps(job, sort_keys=True),
            # A run that cannot start is retried for an hour; a job that fails later alarms (the account's rule).
            "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
        },
    }


def upsert(scheduler: Any, request: dict[str, Any]) -> str:
    """Create the schedule, or update it in place (same name); returns "created" or "updated"."""
    try:
        scheduler.update_schedule(**request)
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule(**request)
        return "created"
    return "updated"


def remove(scheduler: Any, project: str, stage: str) -> bool:
    """Delete the stage's schedule; False when there was none (teardown is idempotent)."""
    try:
        scheduler.delete_schedule(Name=schedule_name(project, stage), GroupName="default")
    except scheduler.exceptions.ResourceNotFoundException:
        return False
    return True
