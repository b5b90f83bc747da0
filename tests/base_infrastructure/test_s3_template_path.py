"""The S3-based project template path (SageMaker CreateProject with TemplateProviders) is off, because on it the
project stack is created by the launching persona — or by a CloudFormation role the persona passes (the
provider's optional RoleARN, "the IAM role that CloudFormation assumes when creating the stack"), which lets the
persona run any template with that role. The personas may do neither; only the Service Catalog path launches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest
from cfnlint.decode import decode_str

from platform_cli.project_templates import launch_permissions
from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.harness import REPO, TERRAFORM_SRC
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT, REGION = tf_policies.ACCOUNT, tf_policies.REGION
PROJECT_ID = "p-a1b2c3d4e5f6"
RENDERED = sorted((REPO / "base-infrastructure" / "project-templates" / "rendered").glob("*.yaml"))
PERSONAS = ("data-scientist", "lead-data-scientist")
MODULE = TERRAFORM_SRC / "modules" / "project_templates"
VALUES = {
    "local.sagemaker_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}",
    "local.partition": "aws",
    "local.region": REGION,
    "local.account": ACCOUNT,
    "var.name_prefix": "mlops",
    "var.artifact_bucket_arn": f"arn:aws:s3:::mlops-artifacts-{ACCOUNT}-{REGION}",
    "var.github_credentials_secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mlops/github/credentials",
    "local.passable_roles": f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-*",  # execution and pipeline roles
}
PROJECT_REPOS_FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mlops-project-repos"


def _persona(persona: str) -> dict[str, Any]:
    personas = tf_policies.module_locals("iam", "personas.tf")
    specific = personas["persona_specific"]
    specific = specific[0] if isinstance(specific, list) else specific
    statements = [
        *tf_policies.statements(personas["persona_allow"], VALUES),
        *tf_policies.statements(personas["persona_guardrails"], VALUES),
        *tf_policies.statements(specific[persona], VALUES),
    ]
    return {"Statement": statements}


def _boundary() -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _project(path: Path) -> bootstrap.Renderer:
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update(
        {"NamingPrefix": "mlops", "PlatformEnvironment": "dev", "SageMakerProjectId": PROJECT_ID}
        | {"SageMakerProjectName": "churn"}
    )
    return bootstrap.Renderer(dict(template), parameters)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_a_persona_may_not_create_the_project_role_a_template_needs(path: Path, persona: str) -> None:
    """Launched with the persona's own credentials, the stack's IAM role (and its policy) would be refused."""
    project = _project(path)
    role_arn = project.attribute("PipelineRole", "Arn")
    context = {"iam:PermissionsBoundary": str(project.properties("PipelineRole")["PermissionsBoundary"])}
    iam_actions = sorted(
        {action for actions in launch_permissions.handler_permissions("AWS::IAM::Role").values() for action in actions}
    )
    allowed = [a for a in iam_actions if a.startswith("iam:Create") or a.startswith("iam:Put")]
    assert allowed, "the role's schema lists no create permission"
    for action in allowed:
        assert not is_allowed([_persona(persona)], _boundary(), action, role_arn, context), action


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_may_not_invoke_the_provisioning_lambda_the_custom_resource_calls(persona: str) -> None:
    assert not is_allowed([_persona(persona)], _boundary(), "lambda:InvokeFunction", PROJECT_REPOS_FUNCTION)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_may_not_hand_cloudformation_a_role_to_create_the_stack_with(persona: str) -> None:
    """No CloudFormation service role for TemplateProviders' RoleARN: whoever may pass it runs any template as it."""
    context = {"iam:PassedToService": "cloudformation.amazonaws.com"}
    for role in ("mlops-service-catalog-launch", "mlops-sagemaker-execution", "mlops-sagemaker-pipeline"):
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        assert not is_allowed([_persona(persona)], _boundary(), "iam:PassRole", arn, context), role


def test_no_s3_based_template_is_published_unless_switched_on() -> None:
    with (MODULE / "variables.tf").open(encoding="utf-8") as handle:
        variables = {name: body for block in hcl2.load(handle)["variable"] for name, body in block.items()}
    default = variables["publish_s3_templates"]["default"]
    assert (default[0] if isinstance(default, list) else default) is False
    studio = tf_policies.terraform_file("project_templates")
    with studio.open(encoding="utf-8") as handle:
        resources = {
            (kind, name): body
            for block in hcl2.load(handle)["resource"]
            for kind, named in block.items()
            for name, body in named.items()
        }
    for_each = resources[("aws_s3_object", "studio")]["for_each"]
    assert "var.publish_s3_templates" in str(for_each)
    assert "var.publish_s3_templates" in str(resources[("aws_s3_bucket_cors_configuration", "studio")]["count"])
