from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines import run_pipeline
from tests.conftest import BUCKET, GROUP, PROJECT, REGION, ROLE

ENV = {
    "SAGEMAKER_PROJECT_NAME": PROJECT,
    "SAGEMAKER_PROJECT_ID": "p-abc123",
    "MODEL_PACKAGE_GROUP_NAME": GROUP,
    "ARTIFACT_BUCKET": BUCKET,
    "PIPELINE_EXECUTION_ROLE_ARN": ROLE,
    "MLOPS_AWS_REGION": REGION,
}


def test_settings_come_from_the_provisioned_variables() -> None:
    settings = run_pipeline.settings_from_env(ENV)
    assert settings.pipeline_name == f"{PROJECT}-llm"
    assert settings.region == REGION
    assert {"Key": "sagemaker:project-id", "Value": "p-abc123"} in settings.tags


def test_missing_variables_are_all_named() -> None:
    env = {k: v for k, v in ENV.items() if k not in ("ARTIFACT_BUCKET", "MLOPS_AWS_REGION")}
    with pytest.raises(run_pipeline.SettingsError, match="ARTIFACT_BUCKET.*AWS_REGION"):
        run_pipeline.settings_from_env(env)


def test_definition_only_writes_the_json_without_starting_anything(
    local_aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    target = tmp_path / "pipeline.json"
    assert run_pipeline.main(["--definition-only", str(target)]) == 0
    definition = json.loads(target.read_text())
    assert [s["Name"] for s in definition["Steps"]][0] == "PrepareDataset"
    (gate,) = [s for s in definition["Steps"] if s["Type"] == "Condition"]
    (register,) = [s for s in gate["Arguments"]["IfSteps"] if s["Type"] == "RegisterModel"]
    assert register["Arguments"]["ModelPackageGroupName"] == ENV["MODEL_PACKAGE_GROUP_NAME"]


def test_upsert_and_start_creates_the_pipeline_tagged_with_the_project(
    local_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    assert run_pipeline.main([]) == 0
    client = boto3.client("sagemaker", region_name=REGION)
    described = client.describe_pipeline(PipelineName=f"{PROJECT}-llm")
    assert described["RoleArn"] == ROLE
    tags = client.list_tags(ResourceArn=described["PipelineArn"])["Tags"]
    assert {"Key": "sagemaker:project-name", "Value": PROJECT} in tags
    executions = client.list_pipeline_executions(PipelineName=f"{PROJECT}-llm")["PipelineExecutionSummaries"]
    assert len(executions) == 1


def test_a_missing_variable_exits_1_with_the_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert run_pipeline.main(["--definition-only", "x.json"]) == 1
    assert "SAGEMAKER_PROJECT_NAME" in capsys.readouterr().err


def test_credentials_of_another_account_are_refused(
    local_aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ACCOUNT_ID", "999999999999")
    assert run_pipeline.main(["--definition-only", "unused.json"]) == 1
    assert "999999999999" in capsys.readouterr().err


def test_credentials_of_the_environment_account_are_accepted() -> None:
    class Sts:
        def get_caller_identity(self) -> dict[str, str]:
            return {"Account": "111111111111"}

    run_pipeline.check_account(Sts(), "111111111111")
