"""The scheduled transform (issue 17 item 3): config validation, the EventBridge Scheduler schedule each deploy
creates or updates, what its target runs when it fires, and its removal on teardown; against local AWS."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pytest

from deploy import config as config_module
from deploy import local, schedule, transform
from deploy.config import Config
from deploy.errors import DeployError
from deploy.stage import Clients, deploy_stage, schedule_stage, unschedule_stage

ROLE = f"arn:aws:iam::{local.ACCOUNT}:role/mlops-batch-schedule"


def _config_with(**changes: Any) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(config_module.DEFAULT_CONFIG.read_text())
    data["scheduled_transform"].update(changes)
    return data


def _deploy(clients: Clients, settings: Config, package: str) -> str:
    return deploy_stage(
        clients, settings, project=local.PROJECT, stage_name="preprod", model_package_arn=package,
        execution_role_arn=local.ROLE, poll_s=0,
    ).model  # fmt: skip


def _schedule(clients: Clients, settings: Config) -> dict[str, Any]:
    return schedule_stage(clients, settings, project=local.PROJECT, stage_name="preprod", scheduler_role_arn=ROLE)


@pytest.fixture
def package(clients: Clients, good_model: local.Model) -> str:
    arn = local.register_package(clients.sagemaker)
    clients.sagemaker.models[arn] = good_model
    return arn


# --- config.yaml ---------------------------------------------------------------------------------------------


def test_the_repos_schedule_is_a_valid_cron_in_a_time_zone(settings: Config) -> None:
    assert settings.schedule == config_module.Schedule("cron(0 2 * * ? *)", "Europe/London", True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule": "0 2 * * *"}, "must be cron(minutes hours day-of-month month day-of-week year)"),
        ({"schedule": "cron(0 2 * * *)"}, "must be cron(minutes hours day-of-month month day-of-week year)"),
        ({"schedule": "cron(0 2 * * * *)"}, "exactly one of day-of-month and day-of-week is '?'"),
        ({"schedule": "cron(0 2 ? * ? *)"}, "exactly one of day-of-month and day-of-week is '?'"),
        ({"schedule": "cron(0 2! * * ? *)"}, "'2!' is not a valid hours field"),
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not an IANA time zone"),
        ({"enabled": "yes"}, "scheduled_transform.enabled must be true or false"),
    ],
)
def test_a_wrong_schedule_is_refused_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DeployError) as error:
        config_module.parse(_config_with(**changes))
    assert message in str(error.value) and "scheduled_transform" in str(error.value)


# --- the schedule --------------------------------------------------------------------------------------------


def test_a_deploy_schedules_the_transform_of_the_active_model_on_the_repos_cron(
    clients: Clients, settings: Config, package: str
) -> None:
    model = _deploy(clients, settings, package)
    assert _schedule(clients, settings)["outcome"] == "created"
    created = clients.scheduler.get_schedule(Name=f"{local.PROJECT}-preprod-batch")
    assert created["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert created["ScheduleExpressionTimezone"] == "Europe/London"
    assert created["State"] == "ENABLED"
    assert created["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:sagemaker:createTransformJob"
    assert created["Target"]["RoleArn"] == ROLE
    job = json.loads(created["Target"]["Input"])
    assert job["ModelName"] == model
    assert job["TransformJobName"] == f"{local.PROJECT}-preprod-sched-<aws.scheduler.execution-id>"
    assert job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{local.BUCKET}/batch/input/"


def test_the_next_deploy_updates_the_schedule_to_the_new_model(
    clients: Clients, settings: Config, package: str
) -> None:
    _deploy(clients, settings, package)
    _schedule(clients, settings)
    newer = _deploy(clients, settings, package)
    assert _schedule(clients, settings)["outcome"] == "updated"
    target = clients.scheduler.get_schedule(Name=f"{local.PROJECT}-preprod-batch")["Target"]
    assert json.loads(target["Input"])["ModelName"] == newer
    assert len(clients.scheduler.list_schedules()["Schedules"]) == 1


def test_when_the_schedule_fires_its_input_runs_the_active_model_over_the_input_prefix(
    clients: Clients, settings: Config, package: str
) -> None:
    """What EventBridge Scheduler sends CreateTransformJob: the Input with its context attributes filled in."""
    model = _deploy(clients, settings, package)
    _schedule(clients, settings)
    clients.s3.put_object(Bucket=local.BUCKET, Key="batch/input/day.csv", Body=local_payload(settings))
    text = clients.scheduler.get_schedule(Name=f"{local.PROJECT}-preprod-batch")["Target"]["Input"]
    text = text.replace(schedule.EXECUTION_ID, secrets.token_hex(8))
    text = text.replace(schedule.SCHEDULED_TIME, "2026-12-05T02:00:00Z")
    request = json.loads(text)
    assert re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", request["TransformJobName"])  # SageMaker's name rule
    assert "-sched-" in request["TransformJobName"]  # what the batch-schedule role may create
    clients.sagemaker.create_transform_job(**request)
    job = clients.sagemaker.describe_transform_job(TransformJobName=request["TransformJobName"])
    assert job["ModelName"] == model
    output = transform.read_object(clients.s3, f"s3://{local.BUCKET}/batch/output/2026-12-05T02:00:00Z/day.csv.out")
    assert output is not None and len(output.decode().split()) == 5


def test_the_longest_project_name_still_gives_a_valid_job_name() -> None:
    name = schedule.job_name_template("p" * 32, "preprod").replace(schedule.EXECUTION_ID, "a" * 16)
    assert len(name) <= transform.MAX_NAME


def test_a_disabled_schedule_is_kept_but_does_not_run(clients: Clients, package: str) -> None:
    settings = config_module.parse(_config_with(enabled=False), config_module.REPO_ROOT)
    _deploy(clients, settings, package)
    assert _schedule(clients, settings)["state"] == "DISABLED"
    assert clients.scheduler.get_schedule(Name=f"{local.PROJECT}-preprod-batch")["State"] == "DISABLED"


def test_scheduling_a_stage_without_an_active_model_says_to_deploy_first(clients: Clients, settings: Config) -> None:
    with pytest.raises(DeployError, match="no active batch model in preprod: deploy one first"):
        _schedule(clients, settings)
    assert clients.scheduler.list_schedules()["Schedules"] == []


def test_teardown_deletes_the_schedule_and_a_second_teardown_finds_nothing(
    clients: Clients, settings: Config, package: str
) -> None:
    _deploy(clients, settings, package)
    _schedule(clients, settings)
    assert unschedule_stage(clients, project=local.PROJECT, stage_name="preprod")["deleted"] is True
    assert clients.scheduler.list_schedules()["Schedules"] == []
    assert unschedule_stage(clients, project=local.PROJECT, stage_name="preprod")["deleted"] is False


def local_payload(settings: Config) -> bytes:
    return settings.smoke_payload.read_bytes()
