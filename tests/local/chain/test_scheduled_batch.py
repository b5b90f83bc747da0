"""Scheduled batch in local AWS (issue 17 item 3): the schedule the batch repo writes, fired by local AWS's
Scheduler as the batch-schedule role with base infrastructure's own policy (strict IAM), creates the stage's
transform job of the active model; the same role may not create any other job."""

from __future__ import annotations

import importlib
import json
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.iam.log import read as read_decisions
from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements

from .functions import ACCOUNT

REGION = "eu-west-1"
BATCH_REPO = REPO / "template-repos" / "model-deploy-batch"
DEPLOY_TARGETS = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"


@pytest.fixture(scope="module")
def batch() -> Iterator[dict[str, ModuleType]]:
    """The batch repo's deploy package, imported from the template as its workflow runs it."""
    sys.path.insert(0, str(BATCH_REPO))
    saved = {n: m for n, m in sys.modules.items() if n == "deploy" or n.startswith("deploy.")}
    for name in saved:
        del sys.modules[name]
    try:
        yield {name: importlib.import_module(f"deploy.{name}") for name in ("schedule", "config", "platform")}
    finally:
        sys.path.remove(str(BATCH_REPO))
        for name in [n for n in sys.modules if n == "deploy" or n.startswith("deploy.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _batch_schedule_role(iam: Any, name: str) -> str:
    """<prefix>-batch-schedule as modules/deploy_targets makes it (its policy read from the Terraform)."""
    statements = policy_statements(
        DEPLOY_TARGETS,
        "aws_iam_role_policy",
        "batch_schedule",
        {"local.sagemaker": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"},
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name, PolicyName="start-scheduled-transforms-only",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )  # fmt: skip
    return arn


def _fire_soon(request: dict[str, Any], seconds: int = 2) -> dict[str, Any]:
    """The schedule as the repo writes it, its cron replaced by a one-time expression a few seconds away."""
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    return {**request, "ScheduleExpression": f"at({at})", "ScheduleExpressionTimezone": "UTC"}


def _eventually(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_the_schedule_fires_the_stages_transform_of_the_active_model_as_the_batch_schedule_role(
    local_aws: LocalAws, batch: dict[str, ModuleType]
) -> None:
    dev = local_aws.session_for("dev")
    schedule, config = batch["schedule"], batch["config"]
    project = f"churn{uuid.uuid4().hex[:6]}"
    role = _batch_schedule_role(dev.client("iam"), f"mlops-batch-schedule-{uuid.uuid4().hex[:6]}")
    settings = config.load(BATCH_REPO / "config.yaml", environ={})
    account = batch["platform"].AccountPlatform("mlops-prod-artifacts", None, [], [])
    request = schedule.schedule_request(
        project=project, stage=settings.stage("prod"), config=settings, schedule=settings.schedule,
        model=f"{project}-prod-batch-v1-20260101000000", account=account, scheduler_role_arn=role, tags=[],
    )  # fmt: skip
    dev.client("scheduler").create_schedule(**_fire_soon(request))
    sagemaker = dev.client("sagemaker")

    def jobs() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = sagemaker.list_transform_jobs(NameContains=f"{project}-prod-sched-")[
            "TransformJobSummaries"
        ]
        return found

    [job] = _eventually(jobs)
    described = sagemaker.describe_transform_job(TransformJobName=job["TransformJobName"])
    assert described["ModelName"] == f"{project}-prod-batch-v1-20260101000000"
    assert (
        described["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://mlops-prod-artifacts/batch/input/"
    )
    calls = [
        d for d in read_decisions(local_aws.decisions_file)
        if d["action"] == "sagemaker:CreateTransformJob" and job["TransformJobName"] in d["resource"]
    ]  # fmt: skip
    assert [(c["allowed"], c["principal"].split("/")[1]) for c in calls] == [(True, role.rsplit("/", 1)[1])]


def test_the_batch_schedule_role_cannot_create_a_job_outside_the_scheduled_names(
    local_aws: LocalAws, batch: dict[str, ModuleType]
) -> None:
    dev = local_aws.session_for("dev")
    role = _batch_schedule_role(dev.client("iam"), f"mlops-batch-schedule-{uuid.uuid4().hex[:6]}")
    name = f"churn{uuid.uuid4().hex[:6]}-prod-smoke"
    job = {
        "TransformJobName": name,
        "ModelName": "any",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
        "TransformOutput": {"S3OutputPath": "s3://b/out/"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }
    dev.client("scheduler").create_schedule(
        **_fire_soon(
            {
                "Name": f"refused-{uuid.uuid4().hex[:6]}",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {
                    "Arn": f"arn:aws:scheduler:::{batch['schedule'].TARGET_ACTION}",
                    "RoleArn": role,
                    "Input": json.dumps(job),
                },
            }
        )
    )

    def refusals() -> list[dict[str, Any]]:
        return [
            d
            for d in read_decisions(local_aws.decisions_file)
            if d["action"] == "sagemaker:CreateTransformJob" and name in d["resource"] and not d["allowed"]
        ]

    denied = _eventually(refusals)
    assert denied
    assert dev.client("sagemaker").list_transform_jobs(NameContains=name)["TransformJobSummaries"] == []
