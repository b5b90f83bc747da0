"""Retrain on new data: a burst of uploads under data/ becomes ONE pipeline execution.

Target of the project's S3 "Object Created" rule. It creates a one-shot EventBridge Scheduler schedule with a
fixed name, at now + DEBOUNCE_SECONDS; the schedule starts the pipeline as START_ROLE_ARN, then deletes itself.
Schedule names are unique, so every upload of the same window meets ConflictException: skipped.
Inlined into the project template (ZipFile): stdlib and boto3 only, under 4096 bytes.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any


def schedule_request(env: dict[str, str], key: str, now: datetime) -> dict[str, Any]:
    """The CreateSchedule request: start the pipeline on the data prefix once the window has passed."""
    at = now.astimezone(UTC) + timedelta(seconds=int(env.get("DEBOUNCE_SECONDS") or 300))
    return {
        "Name": env["SCHEDULE_NAME"],
        "GroupName": "default",
        "ScheduleExpression": f"at({at.strftime('%Y-%m-%dT%H:%M:%S')})",
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "Description": f"retrain: s3://{env['DATA_BUCKET']}/{key}"[:512],
        "Target": {
            "Arn": env["PIPELINE_ARN"],
            "RoleArn": env["START_ROLE_ARN"],
            "SageMakerPipelineParameters": {
                "PipelineParameterList": [
                    {"Name": "InputDataUrl", "Value": f"s3://{env['DATA_BUCKET']}/{env['DATA_PREFIX']}"}
                ]
            },
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    }


def handle(event: dict[str, Any], scheduler: Any, env: dict[str, str], now: datetime) -> dict[str, Any]:
    """Schedule the retrain, or skip: one is already scheduled (the upload is in its window)."""
    key = str(event.get("detail", {}).get("object", {}).get("key", ""))
    if not key.startswith(env["DATA_PREFIX"]):
        return {"scheduled": False, "reason": f"{key!r} is outside {env['DATA_PREFIX']}"}
    request = schedule_request(env, key, now)
    try:
        scheduler.create_schedule(**request)
    except scheduler.exceptions.ConflictException:
        return {"scheduled": False, "reason": f"{request['Name']} already pending: {key} joins that run"}
    return {"scheduled": True, "schedule": request["Name"], "at": request["ScheduleExpression"], "key": key}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    answer = handle(event, boto3.client("scheduler"), dict(os.environ), datetime.now(UTC))
    print(json.dumps(answer))
    return answer
