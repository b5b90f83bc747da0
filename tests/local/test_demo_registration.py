"""The demo registers the model its training repo's local run trained: the packed artifact goes to the project's
artifact bucket in local AWS and the package names the image the run recorded, not one the demo picked."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.demo.rehearsal import DemoError, DemoOptions, Rehearsal, register_trained_model

REGION = "eu-west-1"
IMAGE = f"141502667606.dkr.ecr.{REGION}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


def _local_run(output: Path, **manifest: object) -> Path:
    """What `make run-local` leaves in build/local: model.tar.gz and report/model.json."""
    (output / "model").mkdir(parents=True)
    (output / "model" / "model.joblib").write_bytes(b"trained weights")
    with tarfile.open(output / "model.tar.gz", "w:gz") as tar:
        tar.add(output / "model" / "model.joblib", arcname="model.joblib")
    (output / "report").mkdir()
    recorded = {
        "model_data": "model.tar.gz",
        "image_uri": IMAGE,
        "region": REGION,
        "content_types": ["text/csv"],
        "response_types": ["text/csv"],
        "inference_instance_types": ["ml.m5.large"],
        "transform_instance_types": ["ml.m5.large"],
        **manifest,
    }
    (output / "report" / "model.json").write_text(json.dumps(recorded))
    return output


@pytest.fixture
def project(clean_local_aws: LocalAws) -> tuple[object, object, str, str]:
    dev = clean_local_aws.session_for("dev")
    s3, sagemaker = dev.client("s3"), dev.client("sagemaker")
    suffix = uuid.uuid4().hex[:12]
    bucket, group = f"mlops-p-{suffix}-111111111111", f"churn-p-{suffix}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    sagemaker.create_model_package_group(ModelPackageGroupName=group)
    return sagemaker, s3, bucket, group


def test_the_registered_package_is_the_trained_artifact_with_the_image_the_run_recorded(
    project: tuple[object, object, str, str], tmp_path: Path
) -> None:
    sagemaker, s3, bucket, group = project
    run_output = _local_run(tmp_path / "build" / "local")
    arn = register_trained_model(sagemaker, s3, run_output=run_output, group=group, bucket=bucket)
    package = sagemaker.describe_model_package(ModelPackageName=arn)  # type: ignore[attr-defined]
    container = package["InferenceSpecification"]["Containers"][0]
    assert container["Image"] == IMAGE
    assert container["ModelDataUrl"] == f"s3://{bucket}/local-runs/{group}/model.tar.gz"
    uploaded = s3.get_object(Bucket=bucket, Key=f"local-runs/{group}/model.tar.gz")["Body"].read()  # type: ignore[attr-defined]
    assert uploaded == (run_output / "model.tar.gz").read_bytes()
    assert package["ModelApprovalStatus"] == "PendingManualApproval"


def test_a_run_that_recorded_no_model_stops_the_demo_naming_the_file(
    project: tuple[object, object, str, str], tmp_path: Path
) -> None:
    sagemaker, s3, bucket, group = project
    with pytest.raises(DemoError, match=r"wrote no .*report/model\.json"):
        register_trained_model(sagemaker, s3, run_output=tmp_path / "build" / "local", group=group, bucket=bucket)


def test_a_run_without_a_region_has_no_image_to_register(
    project: tuple[object, object, str, str], tmp_path: Path
) -> None:
    sagemaker, s3, bucket, group = project
    run_output = _local_run(tmp_path / "build" / "local", image_uri=None, region=None)
    with pytest.raises(DemoError, match="names no inference image"):
        register_trained_model(sagemaker, s3, run_output=run_output, group=group, bucket=bucket)


def test_a_template_whose_run_records_no_model_registers_nothing_and_says_so(tmp_path: Path) -> None:
    rehearsal = Rehearsal(DemoOptions(state_dir=tmp_path), io.StringIO(), tmp_path / "demo.log")
    rehearsal.projects = {"pipeline-promotion": {"ProjectName": "demo-promotion", "ProjectId": "p-0"}}
    assert rehearsal.register_and_approve() == (
        "pipeline-promotion's local run records no model to register (approval not rehearsed)"
    )
    assert rehearsal.model_package_arn == ""


def test_a_pipeline_model_run_is_registered_with_both_containers_in_order(
    project: tuple[object, object, str, str], tmp_path: Path
) -> None:
    """The training repo's inference pipeline option records the fitted preprocessor before the model."""
    sagemaker, s3, bucket, group = project
    output = tmp_path / "build" / "local"
    containers = [
        {
            "name": "preprocessor",
            "model_data": "preprocessor.tar.gz",
            "image_uri": IMAGE,
            "entry_point": "featurize.py",
            "environment": {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"},
        },
        {
            "name": "model",
            "model_data": "model.tar.gz",
            "image_uri": IMAGE,
            "entry_point": "train.py",
            "environment": {},
        },
    ]
    run_output = _local_run(output, containers=containers)
    with tarfile.open(run_output / "preprocessor.tar.gz", "w:gz") as tar:
        data = b"fitted preprocessor"
        info = tarfile.TarInfo("preprocessor.joblib")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    arn = register_trained_model(sagemaker, s3, run_output=run_output, group=group, bucket=bucket)
    package = sagemaker.describe_model_package(ModelPackageName=arn)  # type: ignore[attr-defined]
    registered = package["InferenceSpecification"]["Containers"]
    assert [c["ModelDataUrl"] for c in registered] == [
        f"s3://{bucket}/local-runs/{group}/preprocessor.tar.gz",
        f"s3://{bucket}/local-runs/{group}/model.tar.gz",
    ]
    assert registered[0]["Environment"] == {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}
    key = f"local-runs/{group}/preprocessor.tar.gz"
    uploaded = s3.get_object(Bucket=bucket, Key=key)["Body"].read()  # type: ignore[attr-defined]
    assert uploaded == (run_output / "preprocessor.tar.gz").read_bytes()
