"""EventBridge Scheduler one-time schedules that run: moto 5.2.5 stores schedules but never invokes a target.

A schedule whose expression is ``at(yyyy-mm-ddThh:mm:ss)`` (in its ``ScheduleExpressionTimezone``, UTC by default)
now invokes its target at that time, as EventBridge Scheduler does, from a timer in the server:

- as the schedule's ``RoleArn`` (an STS AssumeRole in the schedule's account, as the scheduler service does: the
  role's trust policy must allow ``scheduler.amazonaws.com``, else the invocation fails with AWS's denial), over
  HTTP to this server, so strict local IAM authorises the call as that role;
- templated SageMaker pipeline target (``arn:…:sagemaker:…:pipeline/<name>``): StartPipelineExecution with the
  target's ``SageMakerPipelineParameters``; universal target (``arn:aws:scheduler:::aws-sdk:<service>:<action>``):
  that API action with the target's ``Input`` (context attributes ``<aws.scheduler.*>`` replaced);
- ``ActionAfterCompletion: DELETE`` deletes the schedule after the invocation; UpdateSchedule/DeleteSchedule
  re-arm/disarm the timer.

Recurring (cron/rate) schedules are stored, not run (a rehearsal does not wait for a cron). What an invocation did
is seen as on AWS: in the target service (the pipeline's executions, the transform job) and in local IAM's decision
log (the call, as the schedule's role).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_scheduler_targets_registered"
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_lock = threading.Lock()
_timers: dict[str, threading.Timer] = {}


@dataclass(frozen=True)
class Invocation:
    schedule_arn: str
    target_arn: str
    role_arn: str
    succeeded: bool
    detail: str


def fire_time(expression: str, timezone: str | None) -> datetime | None:
    """When an ``at(...)`` expression fires (UTC); None for cron/rate."""
    match = _AT.match(expression.strip())
    if match is None:
        return None
    local = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=ZoneInfo(timezone or "UTC"))
    return local.astimezone(UTC)


def with_context(text: str, schedule_arn: str, when: datetime) -> str:
    """The target input with EventBridge Scheduler's context attributes filled in."""
    values = {
        "<aws.scheduler.schedule-arn>": schedule_arn,
        "<aws.scheduler.scheduled-time>": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "<aws.scheduler.execution-id>": secrets.token_hex(8),
        "<aws.scheduler.attempt-number>": "1",
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


SCHEDULER_SERVICE = "scheduler.amazonaws.com"  # takes the schedule's role: its trust policy must allow it


def _client(service: str, account: str, region: str, role_arn: str, session_name: str) -> Any:
    import boto3

    from platform_cli.local.moto_ext.lambda_local_runtime import role_environment

    env = role_environment(account, region, role_arn, session_name, service=SCHEDULER_SERVICE)
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=env.get("AWS_ENDPOINT_URL") or os.environ.get("MLOPS_LOCAL_AWS_ENDPOINT"),
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


def invoke_target(schedule: Any, account: str, region: str, when: datetime | None = None) -> Invocation:
    """Call the schedule's target once, as its role; return the outcome."""
    from botocore import xform_name

    target = schedule.target
    arn, role = str(target["Arn"]), str(target["RoleArn"])
    moment = when or datetime.now(UTC)
    session = f"scheduler-{schedule.name}"[:64]
    try:
        if arn.startswith("arn:") and arn.split(":")[2] == "sagemaker" and ":pipeline/" in arn:
            parameters = (target.get("SageMakerPipelineParameters") or {}).get("PipelineParameterList") or []
            answer = _client("sagemaker", account, region, role, session).start_pipeline_execution(
                PipelineName=arn.split(":pipeline/", 1)[1],
                PipelineParameters=parameters,
                ClientRequestToken=secrets.token_hex(16),
            )
            detail = str(answer["PipelineExecutionArn"])
        elif ":aws-sdk:" in arn:
            service, action = arn.split(":aws-sdk:", 1)[1].split(":", 1)
            request = json.loads(with_context(str(target.get("Input") or "{}"), schedule.arn, moment))
            answer = getattr(_client(service, account, region, role, session), xform_name(action))(**request)
            answer.pop("ResponseMetadata", None)
            detail = json.dumps(answer, default=str)
        else:
            raise ValueError(f"local AWS runs SageMaker pipeline and universal (aws-sdk) targets only, not {arn}")
        outcome = Invocation(schedule.arn, arn, role, True, detail)
    except Exception as error:  # the target refused (AccessDenied, validation): recorded as the service logs it
        outcome = Invocation(schedule.arn, arn, role, False, f"{type(error).__name__}: {error}")
    return outcome


def _fire(account: str, region: str, group: str, name: str, expected: Any) -> None:
    from moto.scheduler.models import scheduler_backends

    backend = scheduler_backends[account][region]
    try:
        schedule = backend.get_schedule(group, name)
    except Exception:
        return  # deleted meanwhile
    if schedule is not expected or schedule.state != "ENABLED":
        return
    invoke_target(schedule, account, region)
    if schedule.action_after_completion == "DELETE":
        with contextlib.suppress(Exception):  # already deleted by its owner
            backend.delete_schedule(group, name)


def _arm(backend: Any, schedule: Any) -> None:
    key = schedule.arn
    with _lock:
        previous = _timers.pop(key, None)
    if previous is not None:
        previous.cancel()
    when = fire_time(schedule.schedule_expression, schedule.schedule_expression_timezone)
    if when is None:
        return
    delay = max((when - datetime.now(UTC)).total_seconds(), 0.0)
    timer = threading.Timer(
        delay, _fire, args=(backend.account_id, backend.region_name, schedule.group_name, schedule.name, schedule)
    )
    timer.daemon = True
    with _lock:
        _timers[key] = timer
    timer.start()


def _patch() -> None:
    from moto.scheduler.models import EventBridgeSchedulerBackend

    if getattr(EventBridgeSchedulerBackend, _MARK, False):
        return
    create, update, delete = (
        EventBridgeSchedulerBackend.create_schedule,
        EventBridgeSchedulerBackend.update_schedule,
        EventBridgeSchedulerBackend.delete_schedule,
    )

    def create_schedule(self: Any, *args: Any, **kwargs: Any) -> Any:
        schedule = create(self, *args, **kwargs)
        _arm(self, schedule)
        return schedule

    def update_schedule(self: Any, *args: Any, **kwargs: Any) -> Any:
        schedule = update(self, *args, **kwargs)
        _arm(self, schedule)
        return schedule

    def delete_schedule(self: Any, group_name: str | None, name: str) -> None:
        schedule = self.get_schedule(group_name, name)
        delete(self, group_name, name)
        with _lock:
            timer = _timers.pop(schedule.arn, None)
        if timer is not None:
            timer.cancel()

    EventBridgeSchedulerBackend.create_schedule = create_schedule  # type: ignore[method-assign]
    EventBridgeSchedulerBackend.update_schedule = update_schedule  # type: ignore[method-assign]
    EventBridgeSchedulerBackend.delete_schedule = delete_schedule  # type: ignore[method-assign]
    setattr(EventBridgeSchedulerBackend, _MARK, True)


def register() -> None:
    after_import("moto.scheduler.models", _patch)
