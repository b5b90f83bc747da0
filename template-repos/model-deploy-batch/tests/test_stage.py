"""Batch deployment of one stage against local AWS: model, smoke transform, activation, rollback, schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deploy import local, transform
from deploy.config import Config
from deploy.errors import DeployError, SmokeTestFailed
from deploy.stage import Clients, StageResult, deploy_stage, scheduled_transform

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _release(clients: Clients, settings: Config, stage: str, package: str, minute: int = 0) -> StageResult:
    return deploy_stage(
        clients,
        settings,
        project=local.PROJECT,
        stage_name=stage,
        model_package_arn=package,
        execution_role_arn=local.ROLE,
        now=T0 + timedelta(minutes=minute),
        poll_s=0,
    )


@pytest.fixture
def packages(clients: Clients, good_model: local.Model) -> tuple[str, str]:
    good = local.register_package(clients.sagemaker)
    bad = local.register_package(clients.sagemaker)
    clients.sagemaker.models.update({good: good_model, bad: local.broken_model})
    return good, bad


def test_a_good_release_becomes_the_active_model_after_its_smoke_transform(
    clients: Clients, settings: Config, packages: tuple[str, str]
) -> None:
    good, _ = packages
    result = _release(clients, settings, "preprod", good)
    assert result.smoke.passed and result.smoke.rows == 5
    assert transform.active_model(clients.ssm, local.PROJECT, "preprod") == result.model
    job = clients.sagemaker.describe_transform_job(TransformJobName=result.transform_job)
    assert job["ModelName"] == result.model
    assert job["TransformResources"]["InstanceType"] == "ml.m5.large"
    assert job["TransformOutput"]["KmsKeyId"].endswith(":key/local")
    model = clients.sagemaker.describe_model(ModelName=result.model)
    assert model["Containers"][0]["ModelPackageName"] == good


def test_a_bad_release_is_deleted_and_the_previous_model_stays_active(
    clients: Clients, settings: Config, packages: tuple[str, str]
) -> None:
    good, bad = packages
    first = _release(clients, settings, "preprod", good)
    with pytest.raises(SmokeTestFailed, match="the active model stays churn-preprod-batch-v1") as failed:
        _release(clients, settings, "preprod", bad, minute=1)
    assert transform.active_model(clients.ssm, local.PROJECT, "preprod") == first.model
    names = [m["ModelName"] for m in clients.sagemaker.list_models()["Models"]]
    assert failed.value.outcome.model not in names
    assert first.model in names


def test_the_scheduled_transform_uses_the_active_model_over_the_input_prefix(
    clients: Clients, settings: Config, packages: tuple[str, str]
) -> None:
    good, _ = packages
    deployed = _release(clients, settings, "prod", good)
    clients.s3.put_object(
        Bucket=local.BUCKET, Key=f"{settings.input_prefix}a.csv", Body=Path("smoke/payload.csv").read_bytes()
    )
    ran = scheduled_transform(clients, settings, project=local.PROJECT, stage_name="prod", now=T0, poll_s=0)
    assert ran["model"] == deployed.model
    assert ran["output"] == f"s3://{local.BUCKET}/{settings.output_prefix}20260101000000"
    output = transform.read_object(clients.s3, f"{ran['output']}/a.csv.out")
    assert output is not None and len(output.decode().split()) == 5
    job = clients.sagemaker.describe_transform_job(TransformJobName=ran["transform_job"])
    assert job["TransformResources"] == {
        "InstanceType": "ml.m5.xlarge",
        "InstanceCount": 2,
        "VolumeKmsKeyId": job["TransformResources"]["VolumeKmsKeyId"],
    }


def test_the_schedule_refuses_to_run_without_an_active_model(clients: Clients, settings: Config) -> None:
    with pytest.raises(DeployError, match="no active batch model in prod"):
        scheduled_transform(clients, settings, project=local.PROJECT, stage_name="prod", poll_s=0)


def test_the_cli_resolves_and_deploys_with_the_provisioned_variables(
    clients: Clients, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, good_model: local.Model
) -> None:
    from deploy.__main__ import main

    arn = local.register_package(clients.sagemaker)
    clients.sagemaker.models[arn] = good_model
    output = tmp_path / "github_output"
    for name, value in {
        "SAGEMAKER_PROJECT_NAME": local.PROJECT,
        "MODEL_PACKAGE_GROUP_NAME": local.GROUP,
        "SAGEMAKER_EXECUTION_ROLE_ARN": local.ROLE,
        "AWS_ACCOUNT_ID": local.ACCOUNT,
        "GITHUB_OUTPUT": str(output),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["resolve"]) == 0
    assert output.read_text() == f"model_package_arn={arn}\n"
    monkeypatch.setattr("deploy.__main__.clients", lambda session: clients)
    report = tmp_path / "preprod.json"
    assert main(["batch", "--stage", "preprod", "--model-package-arn", arn, "--report", str(report)]) == 0
    assert __import__("json").loads(report.read_text())["smoke_test"]["passed"] is True
