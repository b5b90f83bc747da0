"""SageMaker resources of one stage: model from the package, endpoint config with data capture, the endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from deploy.config import Config, Stage
from deploy.errors import DeployError
from deploy.platform import AccountPlatform

MAX_NAME = 63


def endpoint_name(project: str, stage: str) -> str:
    return f"{project}-{stage}"[:MAX_NAME]


def release_name(endpoint: str, version: str, now: datetime | None = None) -> str:
    """Name shared by the model and endpoint config of one release: endpoint, package version, UTC time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    suffix = f"-v{version}-{stamp}"
    return endpoint[: MAX_NAME - len(suffix)] + suffix


def create_model(
    sagemaker: Any,
    name: str,
    model_package_arn: str,
    role_arn: str,
    platform: AccountPlatform,
    tags: list[dict[str, str]],
) -> str:
    request: dict[str, Any] = {
        "ModelName": name,
        "ExecutionRoleArn": role_arn,
        "Containers": [{"ModelPackageName": model_package_arn}],
        "EnableNetworkIsolation": False,
        "Tags": tags,
    }
    if platform.vpc_config:
        request["VpcConfig"] = platform.vpc_config
    sagemaker.create_model(**request)
    return name


def endpoint_config_request(
    name: str,
    model_name: str,
    stage: Stage,
    config: Config,
    platform: AccountPlatform,
    endpoint: str,
    tags: list[dict[str, str]],
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "EndpointConfigName": name,
        "ProductionVariants": [
            {
                "VariantName": config.variant_name,
                "ModelName": model_name,
                "InstanceType": stage.instance_type,
                "InitialInstanceCount": stage.initial_instance_count,
                "InitialVariantWeight": 1.0,
            }
        ],
        "Tags": tags,
    }
    if config.data_capture_enabled:
        capture: dict[str, Any] = {
            "EnableCapture": True,
            "InitialSamplingPercentage": config.sampling_percentage,
            "DestinationS3Uri": f"s3://{platform.artifact_bucket}/data-capture/{endpoint}",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]},
        }
        if platform.kms_key_arn:
            capture["KmsKeyId"] = platform.kms_key_arn
        request["DataCaptureConfig"] = capture
    if platform.kms_key_arn:
        request["KmsKeyId"] = platform.kms_key_arn
    return request


def current_config(sagemaker: Any, endpoint: str) -> str | None:
    """The endpoint's current endpoint config name, or None when the endpoint does not exist."""
    try:
        return str(sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"])
    except ClientError as exc:
        if "Could not find" in str(exc) or exc.response["Error"]["Code"] in ("ValidationException", "ResourceNotFound"):
            return None
        raise


def wait_in_service(
    sagemaker: Any,
    endpoint: str,
    timeout_s: float = 3600,
    poll_s: float = 30,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        described = sagemaker.describe_endpoint(EndpointName=endpoint)
        status = described["EndpointStatus"]
        if status == "InService":
            return
        if status in ("Failed", "RollingBack", "OutOfService"):
            reason = described.get("FailureReason", "no reason given")
            raise DeployError(f"endpoint {endpoint} is {status}: {reason}")
        if time.monotonic() > deadline:
            raise DeployError(f"endpoint {endpoint} still {status} after {timeout_s:.0f} s: check it in the console")
        sleep(poll_s)


def switch(sagemaker: Any, endpoint: str, config_name: str, previous: str | None, tags: list[dict[str, str]]) -> None:
    """Point the endpoint at `config_name`: create it the first time, update it after that."""
    if previous is None:
        sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName=config_name, Tags=tags)
    else:
        sagemaker.update_endpoint(EndpointName=endpoint, EndpointConfigName=config_name)


def roll_back(sagemaker: Any, endpoint: str, previous: str | None) -> str:
    """Undo a release: back to the previous endpoint config, or delete an endpoint this release created."""
    if previous is None:
        sagemaker.delete_endpoint(EndpointName=endpoint)
        return "deleted the new endpoint (there was no previous release)"
    sagemaker.update_endpoint(EndpointName=endpoint, EndpointConfigName=previous)
    return f"restored endpoint config {previous}"
