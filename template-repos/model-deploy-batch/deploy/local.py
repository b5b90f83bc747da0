"""Local rehearsal of a batch deployment: AWS emulated in-process (moto), stand-in models run the transforms.
Used by `make run-local` and the tests; never by the workflows.

moto 5.2.5 records transform jobs but runs nothing, so `LocalTransforms` (a wrapper around the moto SageMaker
client) also runs the job's model locally over its S3 input and writes the output where SageMaker would.
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
Model = Callable[[np.ndarray], np.ndarray]


def use_fake_credentials() -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)


class LocalTransforms:
    """The moto SageMaker client; create_transform_job also computes the output with the package's local model."""

    def __init__(self, client: Any, s3: Any, models: dict[str, Model] | None = None) -> None:
        self._client = client
        self._s3 = s3
        self.models: dict[str, Model] = dict(models or {})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def create_transform_job(self, **request: Any) -> dict[str, Any]:
        response: dict[str, Any] = self._client.create_transform_job(**request)
        container = self._client.describe_model(ModelName=request["ModelName"])["Containers"][0]
        model = self.models[container["ModelPackageName"]]
        source = request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
        bucket, _, prefix = source.removeprefix("s3://").partition("/")
        out_bucket, _, out_prefix = request["TransformOutput"]["S3OutputPath"].removeprefix("s3://").partition("/")
        for item in self._s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
            body = self._s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode()
            rows = np.loadtxt([line for line in body.splitlines() if line.strip()], delimiter=",", ndmin=2)
            name = item["Key"].rsplit("/", 1)[-1]
            answer = "\n".join(f"{score:.6f}" for score in model(rows)) + "\n"
            self._s3.put_object(Bucket=out_bucket, Key=f"{out_prefix.rstrip('/')}/{name}.out", Body=answer.encode())
        return response


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
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    return arn


def train_stand_in_model() -> Model:
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


def clients() -> tuple[LocalTransforms, Any, Any]:
    s3 = boto3.client("s3", region_name=REGION)
    sagemaker = LocalTransforms(boto3.client("sagemaker", region_name=REGION), s3)
    return sagemaker, s3, boto3.client("ssm", region_name=REGION)
