"""The build role that model-building workflows assume may pass the pipeline execution role each project's
repos are given (PIPELINE_EXECUTION_ROLE_ARN = the project stack's PipelineRole), and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.decode import decode_str

from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT = bootstrap.ACCOUNT
DEPLOY_TARGETS = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
RENDERED = sorted((REPO / "base-infrastructure" / "project-templates" / "rendered").glob("*.yaml"))
PROJECT_ID = "p-a1b2c3d4e5f6"
TERRAFORM_VALUES = {
    "local.partition": "aws",
    "local.account": ACCOUNT,
    "local.region": bootstrap.REGION,
    "local.sagemaker": f"arn:aws:sagemaker:{bootstrap.REGION}:{ACCOUNT}",
    "var.name_prefix": "mlops",
    "var.pipeline_role_arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-pipeline",
    "var.execution_role.arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution",
}


def _build_policy() -> dict[str, object]:
    return {"Statement": policy_statements(DEPLOY_TARGETS, "aws_iam_policy", "build", TERRAFORM_VALUES)}


def _boundary() -> dict[str, object]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _pipeline_role_arn(path: Path) -> str:
    """What the project stack hands the Lambda as PipelineExecutionRoleArn (!GetAtt PipelineRole.Arn)."""
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update({"NamingPrefix": "mlops", "SageMakerProjectId": PROJECT_ID, "SageMakerProjectName": "churn"})
    renderer = bootstrap.Renderer(dict(template), parameters)
    return renderer.attribute("PipelineRole", "Arn")


def _passes(role_arn: str) -> bool:
    context = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    return is_allowed([_build_policy()], _boundary(), "iam:PassRole", role_arn, context)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_the_build_role_may_pass_the_pipeline_role_each_project_is_given(path: Path) -> None:
    role_arn = _pipeline_role_arn(path)
    assert role_arn == f"arn:aws:iam::{ACCOUNT}:role/mlops-{PROJECT_ID}-pipeline"
    assert _passes(role_arn)


def test_the_build_role_may_not_pass_other_roles() -> None:
    assert not _passes(f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-github-apply")
    assert not _passes(f"arn:aws:iam::{ACCOUNT}:role/mlops-github-deploy")
    assert not _passes(f"arn:aws:iam::{ACCOUNT}:role/mlops-p-a1b2c3d4e5f6-launch")
