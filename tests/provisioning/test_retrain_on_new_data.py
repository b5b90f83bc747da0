"""Retrain on new data (issue 17 item 2), on the rendered project templates and the debounce function's code:
off by default, least privilege for the two roles it adds, and every name it hands another piece held to its
producer (the pipeline's name and parameter in the template repos, the data prefix, the schedule's name)."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import decode_str
from moto import mock_aws

from platform_cli.config import TemplateKind
from platform_cli.project_templates import render, retrain_debounce
from platform_cli.provisioning.contract import load_contract
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

RENDERED = render.TEMPLATES_DIR / "rendered"
TEMPLATE_REPOS = Path(__file__).resolve().parents[2] / "template-repos"
RETRAINING = [TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH, TemplateKind.SINGLE_ACCOUNT_TRAINING]
ACCOUNT, REGION, PID = bootstrap.ACCOUNT, bootstrap.REGION, "p-a1b2c3d4e5f6"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-build"
ENV = {
    "SCHEDULE_NAME": f"mlops-{PID}-retrain",
    "PIPELINE_ARN": PIPELINE_ARN,
    "START_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/mlops-{PID}-retrain-start",
    "DATA_BUCKET": f"mlops-{PID}-{ACCOUNT}",
    "DATA_PREFIX": "data/",
    "DEBOUNCE_SECONDS": "300",
}
NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)


def _template(kind: TemplateKind) -> dict[str, Any]:
    template, matches = decode_str((RENDERED / f"{kind.value}.yaml").read_text(encoding="utf-8"))
    assert not matches
    return dict(template)


def _renderer(template: dict[str, Any], retrain: str = "true") -> bootstrap.Renderer:
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update({"NamingPrefix": "mlops", "SageMakerProjectId": PID, "SageMakerProjectName": "churn"})
    parameters.update({"PlatformEnvironment": "dev", "RetrainOnNewData": retrain})
    return bootstrap.Renderer(template, parameters)


def _identity(renderer: bootstrap.Renderer, role: str) -> list[dict[str, Any]]:
    return [policy["PolicyDocument"] for policy in renderer.properties(role)["Policies"]]


def _pipeline_suffix(template_repo: str) -> str:
    source = (TEMPLATE_REPOS / template_repo / "pipelines" / "run_pipeline.py").read_text(encoding="utf-8")
    match = re.search(r'^PIPELINE_SUFFIX = "([a-z-]+)"$', source, re.MULTILINE)
    assert match, template_repo
    return match.group(1)


# --- the option -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RETRAINING, ids=lambda k: k.value)
def test_the_option_is_a_studio_parameter_off_by_default(kind: TemplateKind) -> None:
    template = _template(kind)
    assert template["Parameters"]["RetrainOnNewData"]["Default"] == "false"
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    assert any("RetrainOnNewData" in group["Parameters"] for group in groups)
    added = [name for name, r in template["Resources"].items() if r.get("Condition") == "RetrainOnNewData"]
    assert set(added) == {
        "RetrainStartRole", "RetrainDeadLetterQueue", "RetrainDebounceRole", "RetrainDebounceFunction", "RetrainRule",
        "RetrainRuleInvokesTheFunction",
    }  # fmt: skip
    notifications = template["Resources"]["ArtifactBucket"]["Properties"]["NotificationConfiguration"]
    assert notifications["Fn::If"][0] == "RetrainOnNewData"
    assert notifications["Fn::If"][2] == {"Ref": "AWS::NoValue"}  # off: the bucket sends no events
    assert template["Conditions"]["RetrainOnNewData"] == {"Fn::Equals": [{"Ref": "RetrainOnNewData"}, "true"]}


def test_kinds_without_a_tabular_pipeline_have_no_retrain_option() -> None:
    for kind in set(TemplateKind) - set(RETRAINING):
        assert "RetrainOnNewData" not in _template(kind)["Parameters"], kind


@pytest.mark.parametrize("kind", RETRAINING, ids=lambda k: k.value)
def test_on_the_bucket_sends_its_object_events_to_eventbridge_and_the_rule_takes_only_the_data_prefix(
    kind: TemplateKind,
) -> None:
    renderer = _renderer(_template(kind))
    bucket = renderer.properties("ArtifactBucket")
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    rule = renderer.properties("RetrainRule")
    assert rule["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [f"mlops-{PID}-{ACCOUNT}"]}, "object": {"key": [{"prefix": "data/"}]}},
    }
    [target] = rule["Targets"]
    assert target["Arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mlops-{PID}-retrain"


# --- least privilege ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RETRAINING, ids=lambda k: k.value)
def test_the_start_role_may_start_its_own_pipeline_and_nothing_else(kind: TemplateKind) -> None:
    renderer = _renderer(_template(kind))
    policies = _identity(renderer, "RetrainStartRole")
    suffix = _pipeline_suffix(load_contract().parts(kind)[next(iter(load_contract().parts(kind)))])
    own = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-{suffix}"
    assert is_allowed(policies, None, "sagemaker:StartPipelineExecution", own, {})
    assert not is_allowed(policies, None, "sagemaker:StartPipelineExecution", own.replace("churn-", "other-"), {})
    for action in ("sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:StopPipelineExecution",
                   "iam:PassRole", "s3:GetObject"):  # fmt: skip
        assert not is_allowed(policies, None, action, "*", {}), action
        assert not is_allowed(policies, None, action, own, {}), action
    trust = renderer.properties("RetrainStartRole")["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    assert trust[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_the_debounce_role_may_create_only_its_schedule_and_pass_only_the_start_role_to_the_scheduler() -> None:
    renderer = _renderer(_template(TemplateKind.BUILD_DEPLOY_BATCH))
    policies = _identity(renderer, "RetrainDebounceRole")
    schedule = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/mlops-{PID}-retrain"
    start_role = f"arn:aws:iam::{ACCOUNT}:role/mlops-{PID}-retrain-start"
    scheduler = {"iam:PassedToService": "scheduler.amazonaws.com"}
    assert is_allowed(policies, None, "scheduler:CreateSchedule", schedule, {})
    assert not is_allowed(policies, None, "scheduler:CreateSchedule", schedule.replace(PID, "p-000000000000"), {})
    for action in ("scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "sagemaker:StartPipelineExecution"):
        assert not is_allowed(policies, None, action, schedule, {}), action
    assert is_allowed(policies, None, "iam:PassRole", start_role, scheduler)
    assert not is_allowed(policies, None, "iam:PassRole", start_role, {"iam:PassedToService": "lambda.amazonaws.com"})
    pipeline_role = f"arn:aws:iam::{ACCOUNT}:role/mlops-{PID}-pipeline"
    assert not is_allowed(policies, None, "iam:PassRole", pipeline_role, scheduler)


def test_the_bootstrap_boundary_lets_the_retrain_roles_act() -> None:
    template = bootstrap.load_template()
    boundary = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    document = boundary.properties("PermissionsBoundary")["PolicyDocument"]
    renderer = _renderer(_template(TemplateKind.BUILD_DEPLOY_BATCH))
    schedule = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/mlops-{PID}-retrain"
    assert is_allowed(_identity(renderer, "RetrainDebounceRole"), document, "scheduler:CreateSchedule", schedule, {})
    assert is_allowed(_identity(renderer, "RetrainStartRole"), document, "sagemaker:StartPipelineExecution",
                      f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-build", {})  # fmt: skip


# --- seams --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RETRAINING, ids=lambda k: k.value)
def test_the_function_starts_the_pipeline_the_training_repo_upserts(kind: TemplateKind) -> None:
    """kinds.yaml retrain_pipeline ⇔ the training repo's PIPELINE_SUFFIX (pipelines/run_pipeline.py)."""
    parts = load_contract().parts(kind)
    training_repo = parts.get("build") or parts["training"]
    variables = _renderer(_template(kind)).properties("RetrainDebounceFunction")["Environment"]["Variables"]
    assert (
        variables["PIPELINE_ARN"]
        == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-{_pipeline_suffix(training_repo)}"
    )
    assert variables["DATA_PREFIX"] == render.RETRAIN_DATA_PREFIX
    assert variables["SCHEDULE_NAME"] == f"mlops-{PID}-retrain"
    assert variables["START_ROLE_ARN"] == f"arn:aws:iam::{ACCOUNT}:role/mlops-{PID}-retrain-start"


@pytest.mark.parametrize("template_repo", ["model-build", "single-account-training"])
def test_the_parameter_the_schedule_sets_is_the_pipelines_input_data_parameter(template_repo: str) -> None:
    """The schedule's PipelineParameterList names InputDataUrl ⇔ the pipeline declares ParameterString InputDataUrl."""
    [parameter] = retrain_debounce.schedule_request(ENV, "data/x.csv", NOW)["Target"]["SageMakerPipelineParameters"][
        "PipelineParameterList"
    ]
    source = (TEMPLATE_REPOS / template_repo / "pipelines" / "pipeline.py").read_text(encoding="utf-8")
    assert f'ParameterString(name="{parameter["Name"]}"' in source
    assert parameter["Value"] == f"s3://{ENV['DATA_BUCKET']}/data/"


def test_the_inlined_code_is_the_module_and_fits_cloudformations_zipfile_limit() -> None:
    renderer = _renderer(_template(TemplateKind.BUILD_DEPLOY_REALTIME))
    code = renderer.properties("RetrainDebounceFunction")["Code"]["ZipFile"]
    assert code.strip() == render.RETRAIN_DEBOUNCE_SOURCE.read_text(encoding="utf-8").strip()
    assert len(code.encode()) <= 4096
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported <= {"__future__", "json", "os", "datetime", "typing", "boto3"}  # what the Lambda runtime has


# --- the debounce ---------------------------------------------------------------------------------------------


def _event(key: str) -> dict[str, Any]:
    return {"source": "aws.s3", "detail-type": "Object Created", "detail": {"object": {"key": key}}}


@pytest.fixture
def scheduler(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield boto3.client("scheduler", region_name=REGION)


def test_the_first_upload_schedules_one_run_at_the_end_of_the_window(scheduler: Any) -> None:
    answer = retrain_debounce.handle(_event("data/day-1/a.csv"), scheduler, ENV, NOW)
    assert answer["scheduled"] is True
    schedule = scheduler.get_schedule(Name=ENV["SCHEDULE_NAME"])
    assert schedule["ScheduleExpression"] == "at(2026-12-04T12:05:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["Arn"] == PIPELINE_ARN
    assert schedule["Target"]["RoleArn"] == ENV["START_ROLE_ARN"]


def test_uploads_within_the_window_join_the_scheduled_run(scheduler: Any) -> None:
    answers = [retrain_debounce.handle(_event(f"data/day-1/{n}.csv"), scheduler, ENV, NOW) for n in range(5)]
    assert [a["scheduled"] for a in answers] == [True, False, False, False, False]
    assert "already pending" in answers[1]["reason"]
    assert len(scheduler.list_schedules()["Schedules"]) == 1


def test_an_object_outside_the_data_prefix_schedules_nothing(scheduler: Any) -> None:
    answer = retrain_debounce.handle(_event("churn/models/model.tar.gz"), scheduler, ENV, NOW)
    assert answer["scheduled"] is False
    assert scheduler.list_schedules()["Schedules"] == []


# --- the CLI option ---------------------------------------------------------------------------------------------


def test_the_cli_offers_the_option_for_exactly_the_kinds_whose_template_has_it() -> None:
    import yaml

    from platform_cli.project_templates.options import RETRAINING_KINDS

    kinds = yaml.safe_load((render.TEMPLATES_DIR / "src" / "kinds.yaml").read_text(encoding="utf-8"))
    assert {kind for kind in TemplateKind if kinds[kind.value].get("retrain_pipeline")} == set(RETRAINING_KINDS)
    assert set(RETRAINING) == set(RETRAINING_KINDS)


def test_asking_a_kind_without_a_pipeline_to_retrain_is_a_one_line_error_naming_the_kinds_that_can() -> None:
    from platform_cli.cli.project_backend import ProjectError, check_retrain_option

    with pytest.raises(ProjectError) as error:
        check_retrain_option(TemplateKind.LLM_FINE_TUNING, True)
    assert str(error.value) == (
        "--retrain-on-new-data: template llm-fine-tuning has no model-build pipeline; use build-deploy-batch, "
        "build-deploy-realtime, single-account-training"
    )
    check_retrain_option(TemplateKind.LLM_FINE_TUNING, False)


def test_the_option_becomes_the_templates_parameter() -> None:
    from platform_cli.cli.project_backend import NewProject

    on = NewProject("churn", TemplateKind.BUILD_DEPLOY_BATCH, "retail", retrain_on_new_data=True)
    off = NewProject("churn", TemplateKind.BUILD_DEPLOY_BATCH, "retail")
    assert on.template_parameters() == {"RetrainOnNewData": "true"}
    assert off.template_parameters() == {}
    assert set(on.template_parameters()) <= set(_template(TemplateKind.BUILD_DEPLOY_BATCH)["Parameters"])
