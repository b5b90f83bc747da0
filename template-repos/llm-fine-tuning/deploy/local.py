"""Local AWS (moto, in-process) for the deploy tests; never used by the workflow.

moto 5.2.5 lacks SageMaker UpdateEndpoint, so `UpdateEndpointShim` emulates it on moto's own backend.
"""

from __future__ import annotations

import os
from typing import Any

import boto3

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
PROJECT = "assistant"
GROUP = "assistant-p-local"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"
BUCKET = "mlops-preprod-artifacts"
IMAGE = (
    "763104351884.dkr.ecr.eu-west-1.amazonaws.com/"
    "huggingface-pytorch-inference:2.3.0-transformers4.48.0-gpu-py311-cu121-ubuntu22.04"
)
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


def use_fake_credentials() -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)


class UpdateEndpointShim:
    """The moto SageMaker client, plus UpdateEndpoint (absent from moto 5.2.5) applied to moto's backend."""

    def __init__(self, client: Any, account: str = ACCOUNT, region: str = REGION) -> None:
        self._client = client
        self._account = account
        self._region = region

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def update_endpoint(self, EndpointName: str, EndpointConfigName: str, **_: Any) -> dict[str, str]:  # noqa: N803
        from moto.sagemaker.models import sagemaker_backends

        backend = sagemaker_backends[self._account][self._region]
        backend.describe_endpoint_config(EndpointConfigName)  # raises like SageMaker when it does not exist
        found = backend.endpoints[EndpointName]
        found.endpoint_config_name = EndpointConfigName
        return {"EndpointArn": found.arn}


def seed_platform(ssm: Any, s3: Any) -> None:
    """What base-infrastructure publishes in a stage account: the artifact bucket and KMS key parameters."""
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    ssm.put_parameter(Name="/mlops/s3/artifact_bucket", Value=BUCKET, Type="String")
    ssm.put_parameter(
        Name="/mlops/kms/artifacts_key_arn", Value=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/local", Type="String"
    )


def register_package(sagemaker: Any, status: str = "Approved") -> str:
    """A model package in the project's group, as the build pipeline registers it."""
    try:
        sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    except sagemaker.exceptions.ClientError:
        pass  # already there
    arn: str = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://{BUCKET}/models/model.tar.gz"}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
    )["ModelPackageArn"]
    return arn


def clients() -> tuple[Any, Any, Any, Any, Any]:
    sagemaker = UpdateEndpointShim(boto3.client("sagemaker", region_name=REGION))
    return (
        sagemaker,
        boto3.client("sagemaker-runtime", region_name=REGION),
        boto3.client("application-autoscaling", region_name=REGION),
        boto3.client("ssm", region_name=REGION),
        boto3.client("s3", region_name=REGION),
    )
