"""Deploy one stage: model + endpoint config -> create/update endpoint -> smoke test -> roll back or autoscale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deploy import autoscaling, endpoint, platform, smoke
from deploy.config import Config
from deploy.errors import SmokeTestFailed
from deploy.registry import version_of


@dataclass(frozen=True)
class Clients:
    sagemaker: Any
    runtime: Any
    autoscaling: Any
    ssm: Any


@dataclass
class StageResult:
    stage: str
    endpoint: str
    model_package_arn: str
    endpoint_config: str
    previous_config: str | None
    smoke: smoke.SmokeResult
    rolled_back: str | None = None
    autoscaling_policy: str | None = None
    events: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "endpoint": self.endpoint,
            "model_package_arn": self.model_package_arn,
            "endpoint_config": self.endpoint_config,
            "previous_config": self.previous_config,
            "smoke_test": self.smoke.as_dict(),
            "rolled_back": self.rolled_back,
            "autoscaling_policy": self.autoscaling_policy,
            "events": self.events,
        }


def deploy_stage(
    clients: Clients,
    config: Config,
    *,
    project: str,
    stage_name: str,
    model_package_arn: str,
    execution_role_arn: str,
    invoke: smoke.Invoke | None = None,
    now: datetime | None = None,
    poll_s: float = 30,
    project_id: str = "",
) -> StageResult:
    """Release `model_package_arn` to the stage's endpoint. Raises SmokeTestFailed after rolling back."""
    stage = config.stage(stage_name)
    account = platform.read(clients.ssm)
    name = endpoint.endpoint_name(project, stage_name)
    release = endpoint.release_name(name, version_of(model_package_arn), now)
    tags = [{"Key": "sagemaker:project-name", "Value": project}, {"Key": "mlops:stage", "Value": stage_name}]
    if project_id:
        tags.append({"Key": "sagemaker:project-id", "Value": project_id})
    events: list[str] = []

    endpoint.create_model(clients.sagemaker, release, model_package_arn, execution_role_arn, account, tags)
    clients.sagemaker.create_endpoint_config(
        **endpoint.endpoint_config_request(release, release, stage, config, account, name, tags)
    )
    events.append(f"created model and endpoint config {release}")
    previous = endpoint.current_config(clients.sagemaker, name)
    if previous is not None and autoscaling.suspend(clients.autoscaling, name, config.variant_name):
        events.append("suspended autoscaling for the update")
    endpoint.switch(clients.sagemaker, name, release, previous, tags)
    events.append(f"{'updated' if previous else 'created'} endpoint {name} -> {release}")
    endpoint.wait_in_service(clients.sagemaker, name, poll_s=poll_s)

    invoker = invoke or smoke.endpoint_invoker(clients.runtime, name)
    result = smoke.run(
        invoker, config.smoke_payload.read_bytes(), config.smoke_content_type, config.smoke_max_latency_ms
    )
    outcome = StageResult(stage_name, name, model_package_arn, release, previous, result, events=events)
    if not result.passed:
        outcome.rolled_back = endpoint.roll_back(clients.sagemaker, name, previous)
        events.append(f"smoke test failed: {outcome.rolled_back}")
        if previous is not None:
            endpoint.wait_in_service(clients.sagemaker, name, poll_s=poll_s)
            outcome.autoscaling_policy = autoscaling.configure(
                clients.autoscaling, name, config.variant_name, stage.autoscaling
            )
        raise SmokeTestFailed(
            f"{stage_name}: smoke test of {release} failed ({'; '.join(result.failures[:3])}); {outcome.rolled_back}",
            outcome,
        )
    outcome.autoscaling_policy = autoscaling.configure(
        clients.autoscaling, name, config.variant_name, stage.autoscaling
    )
    events.append(
        f"smoke test passed ({result.rows} rows); autoscaling {stage.autoscaling.min_capacity}-"
        f"{stage.autoscaling.max_capacity} instances"
    )
    return outcome
