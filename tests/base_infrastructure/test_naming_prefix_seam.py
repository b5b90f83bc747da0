"""The naming prefix has one producer: platform.yaml's ``naming_prefix``, which base-infrastructure publishes as
``/mlops/naming_prefix`` and the project templates read as their ``NamingPrefix`` SSM parameter. With a prefix
other than the default, the names a project stack gives (pipeline role, artifact bucket, approval rule) still
match the patterns the Terraform grants on (launch role, build role PassRole, deploy roles, trigger permission)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from cfnlint.decode import decode_str

from tests.base_infrastructure.harness import REPO, TERRAFORM_SRC
from tests.base_infrastructure.terraform_policy import policy_statements
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT, REGION = bootstrap.ACCOUNT, bootstrap.REGION
PREFIX = "acme-ml"  # not the default: nothing may fall back to "mlops"
PROJECT_ID = "p-a1b2c3d4e5f6"
MODULES = TERRAFORM_SRC / "modules"
RENDERED_DIR = REPO / "base-infrastructure" / "project-templates" / "rendered"
RENDERED = sorted(RENDERED_DIR.glob("*.yaml"))
SSM_TYPE = "AWS::SSM::Parameter::Value<String>"
_REFERENCE = re.compile(r"\$\{((?:var|local)\.[A-Za-z0-9_.]+)\}")


def _hcl(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return dict(hcl2.load(handle))


def _first(value: Any) -> Any:
    """python-hcl2 wraps some attribute values in one-element lists."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _locals(path: Path) -> dict[str, Any]:
    return {key: value for block in _hcl(path).get("locals", []) for key, value in block.items()}


def _published() -> dict[str, str]:
    """The ssm module's parameter map: name → Terraform expression of its value."""
    parameters = _locals(MODULES / "ssm" / "main.tf")["parameters"]
    return dict(parameters[0] if isinstance(parameters, list) else parameters)


def _template(path: Path) -> dict[str, Any]:
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    return dict(template)


def _project(path: Path, prefix: str = PREFIX) -> bootstrap.Renderer:
    """The project stack as CloudFormation resolves it when ``/mlops/naming_prefix`` holds ``prefix``."""
    template = _template(path)
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update(
        {
            "NamingPrefix": prefix,
            "PlatformEnvironment": "dev",
            "SageMakerProjectId": PROJECT_ID,
            "SageMakerProjectName": "churn",
            "DevAccountId": ACCOUNT,
        }
    )
    return bootstrap.Renderer(template, parameters)


def _boundary(prefix: str = PREFIX) -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix=prefix))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _terraform_values(prefix: str = PREFIX) -> dict[str, Any]:
    return {
        "local.partition": "aws",
        "local.account": ACCOUNT,
        "local.region": REGION,
        "local.dev_account": ACCOUNT,
        "local.sagemaker": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}",
        "local.dev_artifact_bucket": f"{prefix}-artifacts-{ACCOUNT}-{REGION}",
        "var.name_prefix": prefix,
        "var.pipeline_role_arn": f"arn:aws:iam::{ACCOUNT}:role/{prefix}-sagemaker-pipeline",
        "var.execution_role.arn": f"arn:aws:iam::{ACCOUNT}:role/{prefix}-sagemaker-execution",
        "var.artifact_bucket": f"{prefix}-artifacts-{ACCOUNT}-{REGION}",
        "local.launch_iam_actions": ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRole", "iam:GetRole"],
        "local.launch_other_actions": [],
    }


def _substitute(text: str, values: dict[str, Any]) -> str:
    return _REFERENCE.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def _pipeline_role_arn(project: bootstrap.Renderer) -> str:
    return project.attribute("PipelineRole", "Arn")


# --- the producer and the consumer name the same parameter ---------------------------------------------------


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_every_ssm_parameter_a_template_reads_is_one_the_ssm_module_publishes(path: Path) -> None:
    read = {
        name: spec["Default"] for name, spec in _template(path)["Parameters"].items() if spec.get("Type") == SSM_TYPE
    }
    assert read, "the template reads no SSM parameter"
    assert {name: default for name, default in read.items() if default not in _published()} == {}


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_the_template_reads_its_naming_prefix_from_ssm_with_no_literal_default(path: Path) -> None:
    parameter = _template(path)["Parameters"]["NamingPrefix"]
    assert parameter["Type"] == SSM_TYPE
    assert parameter["Default"] == "/mlops/naming_prefix"


def test_terraform_publishes_platform_yaml_naming_prefix_as_that_parameter() -> None:
    assert _published()["/mlops/naming_prefix"] == "${var.naming_prefix}"
    ssm_module = next(block["ssm"] for block in _hcl(TERRAFORM_SRC / "main.tf")["module"] if "ssm" in block)
    assert _first(ssm_module["naming_prefix"]) == "${local.prefix}"
    assert _first(_locals(TERRAFORM_SRC / "locals.tf")["prefix"]) == "${local.config.naming_prefix}"


def test_the_local_studio_launch_does_not_pass_a_prefix_of_its_own() -> None:
    """Local launches read the same parameter (published by the same Terraform) instead of overriding it."""
    source = (REPO / "platform_cli" / "local" / "project_chain.py").read_text(encoding="utf-8")
    assert '"NamingPrefix"' not in source


# --- with a non-default prefix the names meet the Terraform patterns -----------------------------------------


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_the_build_role_may_pass_the_pipeline_role_of_a_project_with_another_prefix(path: Path) -> None:
    role_arn = _pipeline_role_arn(_project(path))
    assert role_arn == f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-{PROJECT_ID}-pipeline"
    build = {
        "Statement": policy_statements(
            MODULES / "deploy_targets" / "main.tf", "aws_iam_policy", "build", _terraform_values()
        )
    }
    context = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    assert is_allowed([build], _boundary(), "iam:PassRole", role_arn, context)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_the_launch_role_may_create_the_pipeline_role_of_a_project_with_another_prefix(path: Path) -> None:
    project = _project(path)
    launch = {
        "Statement": policy_statements(
            MODULES / "project_templates" / "main.tf", "aws_iam_role_policy", "launch", _terraform_values()
        )
    }
    boundary_arn = str(project.properties("PipelineRole")["PermissionsBoundary"])
    assert boundary_arn == f"arn:aws:iam::{ACCOUNT}:policy/{PREFIX}-dev-permissions-boundary"
    context = {"iam:PermissionsBoundary": boundary_arn}
    assert is_allowed([launch], _boundary(), "iam:CreateRole", _pipeline_role_arn(project), context)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_deploy_roles_may_read_the_artifact_bucket_of_a_project_with_another_prefix(path: Path) -> None:
    project = _project(path)
    bucket = project.render(project.template["Resources"]["ArtifactBucket"]["Properties"]["BucketName"])
    assert bucket == f"{PREFIX}-{PROJECT_ID}-{ACCOUNT}"
    statements = _locals(MODULES / "deploy_targets" / "main.tf")["read_dev_registry"]
    raw = statements[0] if len(statements) == 1 and isinstance(statements[0], list) else statements
    identity = {"Statement": ast.literal_eval(_substitute(repr(raw), _terraform_values()))}
    assert is_allowed([identity], None, "s3:GetObject", f"arn:aws:s3:::{bucket}/pipelines/model.tar.gz")


def test_a_template_that_kept_the_old_literal_default_would_be_refused_by_a_renamed_platform() -> None:
    """Why the prefix must come from the platform: the default ``mlops`` under an ``acme-ml`` platform fails."""
    build = {
        "Statement": policy_statements(
            MODULES / "deploy_targets" / "main.tf", "aws_iam_policy", "build", _terraform_values()
        )
    }
    role_arn = _pipeline_role_arn(_project(RENDERED[0], prefix="mlops"))
    context = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    assert not is_allowed([build], _boundary(), "iam:PassRole", role_arn, context)
