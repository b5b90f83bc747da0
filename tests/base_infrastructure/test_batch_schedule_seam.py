"""Scheduled batch (issue 17 item 3): the names the batch deploy repo hands base infrastructure, held together.

model-deploy-batch/deploy/schedule.py names the schedule (<project>-<stage>-batch), the role it passes
(<prefix>-batch-schedule) and the job the schedule creates (<project>-<stage>-sched-<execution id>);
modules/deploy_targets grants the deploy role that schedule and that PassRole, and the batch-schedule role
CreateTransformJob on exactly those jobs. Evaluated within the bootstrap's permissions boundary."""

from __future__ import annotations

import ast
import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements, resource
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT, REGION = bootstrap.ACCOUNT, bootstrap.REGION
DEPLOY_TARGETS = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
BATCH_REPO = REPO / "template-repos" / "model-deploy-batch"
VALUES = {
    "local.partition": "aws",
    "local.account": ACCOUNT,
    "local.region": REGION,
    "local.sagemaker": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}",
    "local.batch_schedule_role_name": "mlops-batch-schedule",
    "var.name_prefix": "mlops",
}


@pytest.fixture(scope="module")
def schedule() -> Iterator[ModuleType]:
    """The batch repo's deploy.schedule, imported from the template as its workflow runs it."""
    sys.path.insert(0, str(BATCH_REPO))
    saved = {name: module for name, module in sys.modules.items() if name == "deploy" or name.startswith("deploy.")}
    for name in saved:
        del sys.modules[name]
    try:
        yield importlib.import_module("deploy.schedule")
    finally:
        sys.path.remove(str(BATCH_REPO))
        for name in [n for n in sys.modules if n == "deploy" or n.startswith("deploy.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _boundary() -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _policy(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"Statement": policy_statements(DEPLOY_TARGETS, kind, name, VALUES)}]


def test_the_deploy_role_may_keep_the_schedule_the_batch_repo_names(schedule: ModuleType) -> None:
    policies, boundary = _policy("aws_iam_role_policy", "deploy_schedules"), _boundary()
    for stage in ("preprod", "prod"):
        arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/{schedule.schedule_name('churn', stage)}"
        for action in ("GetSchedule", "CreateSchedule", "UpdateSchedule", "DeleteSchedule"):
            assert is_allowed(policies, boundary, f"scheduler:{action}", arn, {}), (action, arn)
    other = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/mlops-p-a1b2c3d4e5f6-retrain"
    assert not is_allowed(policies, boundary, "scheduler:DeleteSchedule", other, {})


def test_the_deploy_role_passes_the_role_the_batch_repo_names_to_the_scheduler_only(schedule: ModuleType) -> None:
    policies, boundary = _policy("aws_iam_role_policy", "deploy_schedules"), _boundary()
    role = schedule.role_arn("aws", ACCOUNT, "mlops")
    assert role == f"arn:aws:iam::{ACCOUNT}:role/mlops-batch-schedule"
    assert is_allowed(policies, boundary, "iam:PassRole", role, {"iam:PassedToService": "scheduler.amazonaws.com"})
    assert not is_allowed(policies, boundary, "iam:PassRole", role, {"iam:PassedToService": "sagemaker.amazonaws.com"})


def test_the_batch_schedule_role_may_create_the_scheduled_job_and_nothing_else(schedule: ModuleType) -> None:
    policies, boundary = _policy("aws_iam_role_policy", "batch_schedule"), _boundary()
    job = schedule.job_name_template("churn", "prod").replace(schedule.EXECUTION_ID, "0123456789abcdef")
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:transform-job/{job}"
    assert is_allowed(policies, boundary, "sagemaker:CreateTransformJob", arn, {})
    assert is_allowed(policies, boundary, "sagemaker:AddTags", arn, {})
    smoke = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:transform-job/churn-prod-batch-v3-20260101000000-smoke"
    assert not is_allowed(policies, boundary, "sagemaker:CreateTransformJob", smoke, {})
    for action in ("sagemaker:CreateModel", "sagemaker:StopTransformJob", "sagemaker:CreateEndpoint", "iam:PassRole"):
        assert not is_allowed(policies, boundary, action, "*", {}), action


def test_the_schedule_targets_the_universal_create_transform_job_the_role_is_for(schedule: ModuleType) -> None:
    """Scheduler's universal target names the API the batch-schedule role grants (sagemaker:CreateTransformJob)."""
    service, action = schedule.TARGET_ACTION.removeprefix("aws-sdk:").split(":")
    granted = policy_statements(DEPLOY_TARGETS, "aws_iam_role_policy", "batch_schedule", VALUES)[0]["Action"]
    assert f"{service}:{action[0].upper()}{action[1:]}" in granted


def _failure_rule_pattern(environment: str = "prod") -> Any:
    """The event pattern of <prefix>-batch-transform-failed in ``environment``, as moto's EventBridge loads it."""
    from moto.events.models import EventPattern

    text = resource(DEPLOY_TARGETS, "aws_cloudwatch_event_rule", "batch_transform_failed")["event_pattern"]
    text = (text[0] if isinstance(text, list) else text).replace("${var.environment}", environment)
    pattern = ast.literal_eval(text.removeprefix("${jsonencode(").removesuffix(")}"))
    return EventPattern.load(json.dumps(pattern))


def _transform_failed(job: str) -> dict[str, Any]:
    return {
        "source": "aws.sagemaker",
        "detail-type": "SageMaker Transform Job State Change",
        "detail": {"TransformJobName": job, "TransformJobStatus": "Failed"},
    }


def test_the_failure_rule_matches_a_failed_scheduled_run_the_batch_repo_names(schedule: ModuleType) -> None:
    job = schedule.job_name_template("churn", "prod").replace(schedule.EXECUTION_ID, "0123456789abcdef")
    assert _failure_rule_pattern().matches_event(_transform_failed(job))


@pytest.mark.parametrize(
    "job",
    [
        "churn-prod-batch-v3-20260101000000-smoke",  # a deploy's smoke test: its workflow reports it
        "someone-elses-transform",  # any other transform job of the account
        "churn-preprod-sched-0123456789abcdef",  # another stage's run (its own account's rule announces it)
    ],
)
def test_the_failure_rule_ignores_failed_jobs_that_are_not_scheduled_runs(job: str) -> None:
    assert not _failure_rule_pattern().matches_event(_transform_failed(job))
