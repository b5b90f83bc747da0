"""SageMaker batch transform: the model from the package, transform jobs, their output, the active model."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from deploy.config import Stage
from deploy.errors import DeployError
from deploy.platform import AccountPlatform

MAX_NAME = 63


def base_name(project: str, stage: str) -> str:
    return f"{project}-{stage}-batch"


def release_name(base: str, version: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    suffix = f"-v{version}-{stamp}"
    return base[: MAX_NAME - len(suffix)] + suffix


def active_parameter(project: str, stage: str) -> str:
    """SSM parameter (in the stage account) naming the model the scheduled transform uses."""
    return f"/sagemaker-projects/{project}/{stage}/active-batch-model"


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
        "Tags": tags,
    }
    if platform.vpc_config:
        request["VpcConfig"] = platform.vpc_config
    sagemaker.create_model(**request)
    return name


def transform_request(
    job_name: str,
    model_name: str,
    input_uri: str,
    output_uri: str,
    stage: Stage,
    platform: AccountPlatform,
    content_type: str,
    tags: list[dict[str, str]],
) -> dict[str, Any]:
    output: dict[str, Any] = {"S3OutputPath": output_uri, "AssembleWith": "Line", "Accept": "text/csv"}
    resources: dict[str, Any] = {"InstanceType": stage.instance_type, "InstanceCount": stage.instance_count}
    if platform.kms_key_arn:
        output["KmsKeyId"] = platform.kms_key_arn
        resources["VolumeKmsKeyId"] = platform.kms_key_arn
    return {
        "TransformJobName": job_name,
        "ModelName": model_name,
        "MaxConcurrentTransforms": stage.max_concurrent_transforms,
        "BatchStrategy": "MultiRecord",
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": input_uri}},
            "ContentType": content_type,
            "SplitType": "Line",
        },
        "TransformOutput": output,
        "TransformResources": resources,
        "Tags": tags,
    }


def run_job(
    sagemaker: Any,
    request: dict[str, Any],
    timeout_s: float,
    poll_s: float = 30,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Start the transform job and wait until it ends; return its description (Completed or Failed)."""
    sagemaker.create_transform_job(**request)
    deadline = time.monotonic() + timeout_s
    while True:
        described: dict[str, Any] = sagemaker.describe_transform_job(TransformJobName=request["TransformJobName"])
        if described["TransformJobStatus"] in ("Completed", "Failed", "Stopped"):
            return described
        if time.monotonic() > deadline:
            raise DeployError(f"transform job {request['TransformJobName']} still running after {timeout_s:.0f} s")
        sleep(poll_s)


def read_object(s3: Any, uri: str) -> bytes | None:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError:
        return None
    return body


def active_model(ssm: Any, project: str, stage: str) -> str | None:
    try:
        return str(ssm.get_parameter(Name=active_parameter(project, stage))["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        return None


def activate(ssm: Any, project: str, stage: str, model_name: str) -> None:
    ssm.put_parameter(Name=active_parameter(project, stage), Value=model_name, Type="String", Overwrite=True)
