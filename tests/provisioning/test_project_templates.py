"""The SageMaker project templates: rendered from one source, up to date, lint-clean, and wired right."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_cli.config import TemplateKind
from platform_cli.project_templates.render import TEMPLATES_DIR, render_all
from platform_cli.provisioning.contract import load_contract

RENDERED = TEMPLATES_DIR / "rendered"
BIN = Path(sys.executable).parent


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load(kind: TemplateKind) -> dict[str, Any]:
    return yaml.load((RENDERED / f"{kind.value}.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506


def test_every_kind_has_a_rendered_template_that_matches_its_source() -> None:
    outputs = render_all()
    assert sorted(outputs) == sorted(f"rendered/{kind.value}.yaml" for kind in TemplateKind)
    for relative, text in outputs.items():
        assert (TEMPLATES_DIR / relative).read_text() == text, f"{relative} is stale: run the render command"


def test_rendered_templates_pass_cfn_lint_without_errors_or_warnings() -> None:
    files = sorted(str(path) for path in RENDERED.glob("*.yaml"))
    result = subprocess.run([str(BIN / "cfn-lint"), *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rendered_templates_pass_checkov() -> None:
    result = subprocess.run(
        [
            str(BIN / "checkov"),
            "-d",
            str(RENDERED),
            "--framework",
            "cloudformation",
            "--quiet",
            "--compact",
            "--skip-download",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    summary = report["summary"] if isinstance(report, dict) else report[0]["summary"]
    assert summary["failed"] == 0, result.stdout[:4000]
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] > 0


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_sagemaker_parameters_and_the_custom_resource_are_present(kind: TemplateKind) -> None:
    template = load(kind)
    assert {"SageMakerProjectName", "SageMakerProjectId"} <= set(template["Parameters"])
    assert template["Parameters"]["ProjectReposFunctionArn"] == {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/mlops/lambda/project_repos_arn",
        "Description": "SSM parameter holding the ARN of the project provisioning Lambda.",
    }
    repos = template["Resources"]["ProjectRepos"]
    assert repos["Type"] == "Custom::ProjectRepos"
    assert repos["Properties"]["ServiceToken"] == {"Ref": "ProjectReposFunctionArn"}
    assert repos["Properties"]["TemplateKind"] == kind.value


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_per_project_resources_are_named_with_the_project_id(kind: TemplateKind) -> None:
    resources = load(kind)["Resources"]
    assert "${SageMakerProjectId}" in resources["ArtifactBucket"]["Properties"]["BucketName"]["Sub"]
    assert resources["ModelPackageGroup"]["Type"] == "AWS::SageMaker::ModelPackageGroup"
    assert "${SageMakerProjectId}" in resources["PipelineRole"]["Properties"]["RoleName"]["Sub"]


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_one_code_repository_link_per_repository_part(kind: TemplateKind) -> None:
    resources = load(kind)["Resources"]
    links = {name: r for name, r in resources.items() if r["Type"] == "AWS::SageMaker::CodeRepository"}
    # every repository the kind or an option it offers may create (bring your own container: conditionally)
    contract = load_contract()
    parts = contract.option_parts(kind, set(contract.options))
    assert sorted(links) == sorted(f"{part.capitalize()}CodeRepository" for part in parts)
    for part in parts:
        url = links[f"{part.capitalize()}CodeRepository"]["Properties"]["GitConfig"]["RepositoryUrl"]
        assert url == {"GetAtt": f"ProjectRepos.{part.capitalize()}CloneUrl"}


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_no_project_template_adds_a_second_approval_rule(kind: TemplateKind) -> None:
    """The platform's one rule (modules/project_lambdas) routes approvals; a per-project rule dispatched twice."""
    resources = load(kind)["Resources"]
    rules = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::Rule"]
    assert not [rule for rule in rules if "aws.sagemaker" in rule["EventPattern"].get("source", [])]
    # The only rule a template may add is the retrain rule (issue 17 item 2), on its own bucket's object events.
    assert all(rule["EventPattern"]["source"] == ["aws.s3"] for rule in rules)
    own_functions = {name for name, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    permissions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    targets = [p["FunctionName"].get("GetAtt", "") for p in permissions]  # !GetAtt <function>.Arn
    assert all(target.endswith(".Arn") and target.removesuffix(".Arn") in own_functions for target in targets)


def test_the_lambda_accepts_every_property_the_templates_pass() -> None:
    from platform_cli.lambdas.properties import KNOWN

    for kind in TemplateKind:
        properties = load(kind)["Resources"]["ProjectRepos"]["Properties"]
        assert set(properties) <= KNOWN


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_the_extra_variables_a_template_passes_are_declared_in_the_contract(kind: TemplateKind) -> None:
    properties = load(kind)["Resources"]["ProjectRepos"]["Properties"]
    assert sorted(properties.get("ExtraVariables", {})) == sorted(load_contract().kind_variables[kind])
