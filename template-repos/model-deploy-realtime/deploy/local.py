"""Local rehearsal of a deployment: AWS emulated in-process (moto), a locally trained stand-in model behind the
endpoint. Used by `make run-local` and the tests; never by the workflow.

moto 5.2.5 lacks SageMaker UpdateEndpoint and answers InvokeEndpoint with static data, so this module adds the
two pieces it needs from outside: `UpdateEndpointShim` emulates UpdateEndpoint on moto's own backend, and
`LocalEndpoints` answers invocations with the model of the package the endpoint currently serves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3
import numpy as np

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
PROJECT = "churn"
GROUP = "churn-p-local"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"
BUCKET = "mlops-preprod-artifacts"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
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


def register_package(sagemaker: Any, status: str = "Approved", artifacts: tuple[str, ...] = ("model",)) -> str:
    """A model package in the project's group, as the build pipeline registers it: one container a name in
    `artifacts`, called in that order (("preprocessor", "model") is the inference pipeline option's package)."""
    try:
        sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    except sagemaker.exceptions.ClientError:
        pass  # already there
    arn: str = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [
                {"Image": IMAGE, "ModelDataUrl": f"s3://{BUCKET}/models/{name}.tar.gz"} for name in artifacts
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    return arn


Stage = Callable[[np.ndarray], np.ndarray]


class LocalEndpoints:
    """Answers invocations with the local model of the package behind the endpoint's current config. A package
    with several containers (an inference pipeline) maps to one function a container, applied in series."""

    def __init__(self, sagemaker: Any, models: dict[str, Stage | list[Stage]]) -> None:
        self._sagemaker = sagemaker
        self._models = models  # model package ARN -> predict function, or one function a container

    def _serve(self, package_arn: str, rows: np.ndarray) -> np.ndarray:
        served = self._models[package_arn]
        if callable(served):
            return served(rows)
        containers = self._sagemaker.describe_model_package(ModelPackageName=package_arn)["InferenceSpecification"]
        if len(containers["Containers"]) != len(served):
            raise ValueError(f"{package_arn} has {len(containers['Containers'])} containers, {len(served)} served")
        for container in served:
            rows = container(rows)
        return rows

    def invoker(self, endpoint: str) -> Callable[[bytes, str], bytes]:
        def invoke(body: bytes, content_type: str) -> bytes:
            config = self._sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"]
            variant = self._sagemaker.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"][0]
            container = self._sagemaker.describe_model(ModelName=variant["ModelName"])["Containers"][0]
            rows = np.loadtxt(body.decode().splitlines(), delimiter=",", ndmin=2)
            scores = self._serve(container["ModelPackageName"], rows)
            return "\n".join(f"{s:.6f}" for s in scores).encode()

        return invoke


def train_stand_in_model() -> Callable[[np.ndarray], np.ndarray]:
    """A small model on scikit-learn's bundled breast-cancer data (the shape of the smoke payload)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(data.data, data.target)
    return lambda rows: model.predict_proba(rows)[:, 1]


def broken_model(rows: np.ndarray) -> np.ndarray:
    """A release that answers raw scores instead of probabilities: the smoke test must catch it."""
    return rows[:, 0] * 10.0


def clients() -> tuple[Any, Any, Any, Any, Any]:
    sagemaker = UpdateEndpointShim(boto3.client("sagemaker", region_name=REGION))
    return (
        sagemaker,
        boto3.client("sagemaker-runtime", region_name=REGION),
        boto3.client("application-autoscaling", region_name=REGION),
        boto3.client("ssm", region_name=REGION),
        boto3.client("s3", region_name=REGION),
    )
