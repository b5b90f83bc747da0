"""Deploy one stage for batch: model -> smoke transform -> check output -> activate, or delete and keep the old."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from deploy import platform, smoke, transform
from deploy import schedule as schedule_module
from deploy.config import Config
from deploy.errors import DeployError, SmokeTestFailed
from deploy.registry import version_of


@dataclass(frozen=True)
class Clients:
    sagemaker: Any
    s3: Any
    ssm: Any
    scheduler: Any = None  # EventBridge Scheduler: the stage's scheduled transform


@dataclass
class StageResult:
    stage: str
    model: str
    model_package_arn: str
    previous_model: str | None
    smoke: smoke.SmokeResult
    transform_job: str
    rolled_back: str | None = None
    events: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "model": self.model,
            "model_package_arn": self.model_package_arn,
            "previous_model": self.previous_model,
            "transform_job": self.transform_job,
            "smoke_test": self.smoke.as_dict(),
            "rolled_back": self.rolled_back,
            "events": self.events,
        }


def _tags(project: str, project_id: str, stage: str) -> list[dict[str, str]]:
    tags = [{"Key": "sagemaker:project-name", "Value": project}, {"Key": "mlops:stage", "Value": stage}]
    if project_id:
        tags.append({"Key": "sagemaker:project-id", "Value": project_id})
    return tags


def deploy_stage(
    clients: Clients,
    config: Config,
    *,
    project: str,
    stage_name: str,
    model_package_arn: str,
    execution_role_arn: str,
    now: datetime | None = None,
    poll_s: float = 30,
    project_id: str = "",
) -> StageResult:
    """Make `model_package_arn` the stage's active batch model if its smoke transform is right."""
    stage = config.stage(stage_name)
    account = platform.read(clients.ssm)
    tags = _tags(project, project_id, stage_name)
    release = transform.release_name(transform.base_name(project, stage_name), version_of(model_package_arn), now)
    previous = transform.active_model(clients.ssm, project, stage_name)
    transform.create_model(clients.sagemaker, release, model_package_arn, execution_role_arn, account, tags)
    events = [f"created model {release}"]

    payload = config.smoke_payload.read_bytes()
    smoke_root = f"batch/{project}/{stage_name}/smoke/{release}"
    clients.s3.put_object(Bucket=account.artifact_bucket, Key=f"{smoke_root}/input/payload.csv", Body=payload)
    output_uri = f"s3://{account.artifact_bucket}/{smoke_root}/output"
    request = transform.transform_request(
        f"{release}-smoke",
        release,
        f"s3://{account.artifact_bucket}/{smoke_root}/input/",
        output_uri,
        stage,
        account,
        config.smoke_content_type,
        tags,
    )
    job = transform.run_job(clients.sagemaker, request, config.smoke_timeout_minutes * 60, poll_s)
    output = transform.read_object(clients.s3, f"{output_uri}/payload.csv.out")
    result = smoke.check(output, smoke.payload_rows(payload))
    if job["TransformJobStatus"] != "Completed":
        result.passed = False
        result.failures.insert(0, f"transform job {job['TransformJobStatus']}: {job.get('FailureReason', '')}")
    outcome = StageResult(
        stage_name, release, model_package_arn, previous, result, request["TransformJobName"], events=events
    )
    if not result.passed:
        clients.sagemaker.delete_model(ModelName=release)
        outcome.rolled_back = f"deleted {release}; the active model stays {previous or '(none)'}"
        events.append(f"smoke transform failed: {outcome.rolled_back}")
        raise SmokeTestFailed(
            f"{stage_name}: smoke transform of {release} failed ({'; '.join(result.failures[:3])});"
            f" {outcome.rolled_back}",
            outcome,
        )
    transform.activate(clients.ssm, project, stage_name, release)
    events.append(f"smoke transform passed ({result.rows} rows); {release} is the active batch model")
    return outcome


def scheduled_transform(
    clients: Clients,
    config: Config,
    *,
    project: str,
    stage_name: str,
    now: datetime | None = None,
    poll_s: float = 30,
    project_id: str = "",
) -> dict[str, Any]:
    """Run the stage's active model over everything under the input prefix (what the schedule triggers)."""
    stage = config.stage(stage_name)
    account = platform.read(clients.ssm)
    model = transform.active_model(clients.ssm, project, stage_name)
    if model is None:
        raise DeployError(f"no active batch model in {stage_name}: deploy one first (deploy.yml)")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    output_uri = f"s3://{account.artifact_bucket}/{config.output_prefix}{stamp}"
    request = transform.transform_request(
        f"{transform.base_name(project, stage_name)}-{stamp}"[: transform.MAX_NAME],
        model,
        f"s3://{account.artifact_bucket}/{config.input_prefix}",
        output_uri,
        stage,
        account,
        config.smoke_content_type,
        _tags(project, project_id, stage_name),
    )
    job = transform.run_job(clients.sagemaker, request, 6 * 3600, poll_s)
    if job["TransformJobStatus"] != "Completed":
        raise DeployError(
            f"transform job {request['TransformJobName']} {job['TransformJobStatus']}: "
            f"{job.get('FailureReason', 'see its logs')}"
        )
    return {"transform_job": request["TransformJobName"], "model": model, "output": output_uri}


def schedule_stage(
    clients: Clients,
    config: Config,
    *,
    project: str,
    stage_name: str,
    scheduler_role_arn: str,
    project_id: str = "",
    partition: str = "aws",
) -> dict[str, Any]:
    """Create or update the stage's schedule so that it transforms with the stage's active model."""
    if config.schedule is None:
        raise DeployError("config.yaml has no scheduled_transform.schedule")
    stage = config.stage(stage_name)
    account = platform.read(clients.ssm)
    model = transform.active_model(clients.ssm, project, stage_name)
    if model is None:
        raise DeployError(f"no active batch model in {stage_name}: deploy one first (python -m deploy batch)")
    request = schedule_module.schedule_request(
        project=project,
        stage=stage,
        config=config,
        schedule=config.schedule,
        model=model,
        account=account,
        scheduler_role_arn=scheduler_role_arn,
        tags=_tags(project, project_id, stage_name),
        partition=partition,
    )
    outcome = schedule_module.upsert(clients.scheduler, request)
    return {
        "schedule": request["Name"],
        "outcome": outcome,
        "expression": request["ScheduleExpression"],
        "timezone": request["ScheduleExpressionTimezone"],
        "state": request["State"],
        "model": model,
    }


def unschedule_stage(clients: Clients, *, project: str, stage_name: str) -> dict[str, Any]:
    """Teardown: delete the stage's schedule (nothing to delete is not an error)."""
    deleted = schedule_module.remove(clients.scheduler, project, stage_name)
    return {"schedule": schedule_module.schedule_name(project, stage_name), "deleted": deleted}
