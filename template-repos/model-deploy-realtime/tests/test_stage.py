"""Deploying one stage against local AWS: resources, data capture, autoscaling, rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from deploy import local
from deploy.config import Config
from deploy.errors import SmokeTestFailed
from deploy.stage import Clients, deploy_stage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _release(clients: Clients, settings: Config, stage: str, package: str, invoke: Any, minute: int = 0) -> Any:
    return deploy_stage(
        clients,
        settings,
        project=local.PROJECT,
        stage_name=stage,
        model_package_arn=package,
        execution_role_arn=local.ROLE,
        invoke=invoke,
        now=T0 + timedelta(minutes=minute),
        poll_s=0,
    )


@pytest.fixture
def endpoints(clients: Clients, good_model: Any) -> tuple[local.LocalEndpoints, str, str]:
    good = local.register_package(clients.sagemaker)
    bad = local.register_package(clients.sagemaker)
    return local.LocalEndpoints(clients.sagemaker, {good: good_model, bad: local.broken_model}), good, bad


def test_first_release_creates_the_endpoint_with_data_capture_and_autoscaling(
    clients: Clients, settings: Config, endpoints: tuple[local.LocalEndpoints, str, str]
) -> None:
    served, good, _ = endpoints
    result = _release(clients, settings, "preprod", good, served.invoker("churn-preprod"))
    described = clients.sagemaker.describe_endpoint(EndpointName="churn-preprod")
    assert described["EndpointConfigName"] == result.endpoint_config == "churn-preprod-v1-20260101000000"
    config = clients.sagemaker.describe_endpoint_config(EndpointConfigName=result.endpoint_config)
    capture = config["DataCaptureConfig"]
    assert capture["EnableCapture"] is True
    assert capture["InitialSamplingPercentage"] == 20
    assert capture["DestinationS3Uri"] == f"s3://{local.BUCKET}/data-capture/churn-preprod"
    variant = config["ProductionVariants"][0]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 1)
    model = clients.sagemaker.describe_model(ModelName=variant["ModelName"])
    assert model["Containers"][0]["ModelPackageName"] == good
    assert model["ExecutionRoleArn"] == local.ROLE
    targets = clients.autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        ("endpoint/churn-preprod/variant/AllTraffic", 1, 2)
    ]
    (policy,) = clients.autoscaling.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "SageMakerVariantInvocationsPerInstance"
    assert result.smoke.passed


def test_a_release_failing_the_smoke_test_is_rolled_back_to_the_previous_config(
    clients: Clients, settings: Config, endpoints: tuple[local.LocalEndpoints, str, str]
) -> None:
    served, good, bad = endpoints
    first = _release(clients, settings, "preprod", good, served.invoker("churn-preprod"))
    with pytest.raises(SmokeTestFailed, match="restored endpoint config churn-preprod-v1") as failed:
        _release(clients, settings, "preprod", bad, served.invoker("churn-preprod"), minute=1)
    assert failed.value.outcome.rolled_back
    described = clients.sagemaker.describe_endpoint(EndpointName="churn-preprod")
    assert described["EndpointConfigName"] == first.endpoint_config
    targets = clients.autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert len(targets) == 1, "autoscaling is restored on the rolled-back endpoint"


def test_a_failing_first_release_deletes_the_endpoint_it_created(
    clients: Clients, settings: Config, endpoints: tuple[local.LocalEndpoints, str, str]
) -> None:
    served, _, bad = endpoints
    with pytest.raises(SmokeTestFailed, match="deleted the new endpoint"):
        _release(clients, settings, "preprod", bad, served.invoker("churn-preprod"))
    assert clients.sagemaker.list_endpoints()["Endpoints"] == []


def test_prod_uses_its_own_instances_and_capacity(
    clients: Clients, settings: Config, endpoints: tuple[local.LocalEndpoints, str, str]
) -> None:
    served, good, _ = endpoints
    result = _release(clients, settings, "prod", good, served.invoker("churn-prod"))
    variant = clients.sagemaker.describe_endpoint_config(EndpointConfigName=result.endpoint_config)[
        "ProductionVariants"
    ][0]
    assert variant["InitialInstanceCount"] == 2
    targets = clients.autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert (targets[0]["MinCapacity"], targets[0]["MaxCapacity"]) == (2, 6)


def test_a_stage_account_without_base_infrastructure_is_refused(settings: Config, fake_aws_environment: None) -> None:
    from moto import mock_aws

    from deploy.errors import DeployError

    with mock_aws():
        sagemaker, runtime, autoscaling, ssm, _ = local.clients()
        bare = Clients(sagemaker, runtime, autoscaling, ssm)
        with pytest.raises(DeployError, match="/mlops/s3/artifact_bucket"):
            _release(bare, settings, "preprod", "arn:aws:sagemaker:eu-west-1:1:model-package/g/1", None)


def test_the_cli_deploys_with_the_provisioned_variables(
    aws: tuple[Clients, object], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """End to end through `python -m deploy`: resolve the latest approved package, then the endpoint (smoke
    test against moto's static InvokeEndpoint answer is not a probability, so it is rolled back and exits 1)."""
    from deploy.__main__ import main

    clients, _ = aws
    arn = local.register_package(clients.sagemaker)
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
    assert main(["endpoint", "--stage", "preprod", "--model-package-arn", arn]) == 1
    assert boto3.client("sagemaker", region_name=local.REGION).list_endpoints()["Endpoints"] == []


def test_the_cli_refuses_credentials_of_another_account(monkeypatch: pytest.MonkeyPatch, aws: object) -> None:
    from deploy.__main__ import main

    monkeypatch.setenv("AWS_ACCOUNT_ID", "999999999999")
    monkeypatch.setenv("MODEL_PACKAGE_GROUP_NAME", local.GROUP)
    assert main(["resolve"]) == 1
