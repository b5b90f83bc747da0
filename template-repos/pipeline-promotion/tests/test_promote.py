"""Run in dev, promote unchanged to preprod/prod, never promote a failed or different run (local AWS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from pipelines import config, promote
from tests.conftest import DEV_BUCKET, DEV_ROLE, PROJECT, STAGE_BUCKET, STAGE_EXECUTION_ROLE, STAGE_PIPELINE_ROLE

DEV_ENV = {"ARTIFACT_BUCKET": DEV_BUCKET, "PIPELINE_EXECUTION_ROLE_ARN": DEV_ROLE}


def _fail_execution(execution_arn: str) -> None:
    """moto ends every execution Succeeded; make this one Failed, as SageMaker would report it."""
    from moto.sagemaker.models import sagemaker_backends
    from moto.sagemaker.utils import get_pipeline_execution_from_arn

    backend = sagemaker_backends["123456789012"]["eu-west-1"]
    get_pipeline_execution_from_arn(backend.pipelines, execution_arn).pipeline_execution_status = "Failed"


def test_dev_uses_the_repository_variables(session: boto3.Session) -> None:
    target = promote.stage_target("dev", DEV_ENV, session.client("ssm"))
    assert target == promote.StageTarget("dev", DEV_BUCKET, DEV_ROLE, DEV_ROLE)


def test_preprod_and_prod_use_the_accounts_ssm_parameters(session: boto3.Session) -> None:
    target = promote.stage_target("preprod", {}, session.client("ssm"))
    assert target == promote.StageTarget("preprod", STAGE_BUCKET, STAGE_PIPELINE_ROLE, STAGE_EXECUTION_ROLE)


def test_a_dev_run_uploads_code_upserts_starts_and_records_success(
    session: boto3.Session, definition_bytes: bytes
) -> None:
    target = promote.stage_target("dev", DEV_ENV, session.client("ssm"))
    record = promote.run_stage(session, target, PROJECT, "p-1", definition_bytes, poll_s=0)
    assert record["status"] == "Succeeded"
    assert record["definition_sha256"] == promote.sha256(definition_bytes)
    sagemaker = session.client("sagemaker")
    described = sagemaker.describe_pipeline(PipelineName="churn-promoted")
    assert described["PipelineDefinition"].encode() == definition_bytes
    assert described["RoleArn"] == DEV_ROLE
    keys = [o["Key"] for o in session.client("s3").list_objects_v2(Bucket=DEV_BUCKET)["Contents"]]
    assert {k.rsplit("/", 1)[-1] for k in keys} == {"preprocess.py", "train.py", "evaluate.py", "batch_inference.py"}
    assert record["code_uri"] == f"s3://{DEV_BUCKET}/{keys[0].rsplit('/', 1)[0]}/"


def test_promotion_upserts_the_same_bytes_and_schedules_batch_inference(
    session: boto3.Session, definition_bytes: bytes
) -> None:
    target = promote.stage_target("prod", {}, session.client("ssm"))
    result = promote.promote_stage(session, target, PROJECT, "", definition_bytes, config.load(), run_now=False)
    described = session.client("sagemaker").describe_pipeline(PipelineName="churn-promoted")
    assert described["PipelineDefinition"].encode() == definition_bytes
    assert described["RoleArn"] == STAGE_PIPELINE_ROLE
    events = session.client("events")
    rule = events.describe_rule(Name=result["schedule_rule"])
    assert rule["ScheduleExpression"] == "cron(0 5 * * ? *)"
    (target_,) = events.list_targets_by_rule(Rule=result["schedule_rule"])["Targets"]
    assert target_["Arn"] == described["PipelineArn"]
    values = {p["Name"]: p["Value"] for p in target_["SageMakerPipelineParameters"]["PipelineParameterList"]}
    assert values["ExecutionRoleArn"] == STAGE_EXECUTION_ROLE
    assert values["ArtifactRoot"] == f"s3://{STAGE_BUCKET}/{PROJECT}/pipeline"


def test_a_failed_dev_run_is_never_promoted(definition_bytes: bytes) -> None:
    record = {
        "stage": "dev",
        "status": "Failed",
        "execution_arn": "arn:x",
        "definition_sha256": promote.sha256(definition_bytes),
    }
    with pytest.raises(promote.PromotionError, match="ended Failed"):
        promote.check_promotable(record, definition_bytes)


def test_a_definition_other_than_the_one_run_in_dev_is_not_promoted(definition_bytes: bytes) -> None:
    record = {"stage": "dev", "status": "Succeeded", "definition_sha256": promote.sha256(b"something else")}
    with pytest.raises(promote.PromotionError, match="differs from the one that ran in dev"):
        promote.check_promotable(record, definition_bytes)


def test_the_command_line_chain_stops_when_the_dev_run_fails(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, definition_bytes: bytes
) -> None:
    for name, value in {**DEV_ENV, "SAGEMAKER_PROJECT_NAME": PROJECT, "MLOPS_AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    definition = tmp_path / "pipeline.json"
    assert promote.main(["build", "--output", str(definition)]) == 0
    assert definition.read_bytes() == definition_bytes
    real_wait = promote.wait

    def failing_wait(sagemaker: Any, execution_arn: str, **kwargs: Any) -> str:
        _fail_execution(execution_arn)
        return real_wait(sagemaker, execution_arn, poll_s=0)

    monkeypatch.setattr(promote, "wait", failing_wait)
    record = tmp_path / "dev-run.json"
    assert promote.main(["run", "--stage", "dev", "--definition", str(definition), "--record", str(record)]) == 1
    assert json.loads(record.read_text())["status"] == "Failed"
    promoted = ["promote", "--stage", "preprod", "--definition", str(definition), "--dev-record", str(record)]
    assert promote.main(promoted) == 1
    assert session.client("events").list_rules()["Rules"] == []


def test_the_command_line_promotes_after_a_successful_dev_run(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {**DEV_ENV, "SAGEMAKER_PROJECT_NAME": PROJECT, "MLOPS_AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(promote, "wait", lambda sagemaker, arn, **kw: "Succeeded")
    definition, record = tmp_path / "pipeline.json", tmp_path / "dev-run.json"
    assert promote.main(["build", "--output", str(definition)]) == 0
    assert promote.main(["run", "--stage", "dev", "--definition", str(definition), "--record", str(record)]) == 0
    assert (
        promote.main(
            ["promote", "--stage", "preprod", "--definition", str(definition), "--dev-record", str(record), "--run-now"]
        )
        == 0
    )
    assert [r["Name"] for r in session.client("events").list_rules()["Rules"]] == ["churn-pipeline-schedule"]


def test_credentials_of_another_account_are_refused(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {
        **DEV_ENV,
        "SAGEMAKER_PROJECT_NAME": PROJECT,
        "MLOPS_AWS_REGION": "eu-west-1",
        "AWS_ACCOUNT_ID": "999999999999",
    }.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "p.json").write_text("{}")
    assert promote.main(["run", "--definition", str(tmp_path / "p.json"), "--record", str(tmp_path / "r.json")]) == 1
