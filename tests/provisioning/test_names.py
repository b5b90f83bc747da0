"""Names are checked in one place (platform_cli/provisioning/names.py) against the rules of the service that
receives them: the CLI refuses a project name SageMaker would refuse before any call, and every name a project
template gives a resource is valid for the longest, mixed-case inputs the platform accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.decode import decode_str
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.provisioning import names
from tests.bootstrap import template as bootstrap

ROOT = Path(__file__).resolve().parents[2]
RENDERED = sorted((ROOT / "base-infrastructure" / "project-templates" / "rendered").glob("*.yaml"))
LAMBDAS = ROOT / "base-infrastructure" / "terraform" / "modules" / "project_lambdas" / "main.tf"
LONGEST_NAME = "Churn-Model-For-Retail-Customers"  # 32 characters, upper case allowed by SageMaker
LONGEST_PREFIX = "acme-ml-platform-x01"  # 20 characters, platform.yaml's limit
PROJECT_ID = "p-a1b2c3d4e5f6"


def test_a_project_name_over_32_characters_fails_with_one_line_before_any_call(tmp_path: Path) -> None:
    name = "customer-churn-prediction-model-2024-q3"  # 39 characters
    result = CliRunner().invoke(
        app, ["--config", str(tmp_path / "absent.yaml"), "project", "create", name, "-t", "build-deploy-realtime"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: project name '{name}' has {len(name)} characters; SageMaker allows at most 32"
    )


def test_the_provisioning_request_uses_the_same_rule() -> None:
    assert names.project_name(LONGEST_NAME) == LONGEST_NAME
    with pytest.raises(names.InvalidNameError, match="at most 32"):
        names.project_name(LONGEST_NAME + "x")


def _rendered(path: Path) -> tuple[dict[str, object], bootstrap.Renderer]:
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update(
        {"NamingPrefix": LONGEST_PREFIX, "SageMakerProjectId": PROJECT_ID, "SageMakerProjectName": LONGEST_NAME}
    )
    return dict(template), bootstrap.Renderer(dict(template), parameters)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_every_resource_name_a_template_gives_is_valid_for_the_longest_mixed_case_inputs(path: Path) -> None:
    template, renderer = _rendered(path)
    checked = 0
    for _logical_id, body in template["Resources"].items():  # type: ignore[attr-defined]
        for rule in names.RULES:
            kind, prop = rule.split(".")
            if body["Type"] == kind and prop in body.get("Properties", {}):
                names.resource_name(rule, str(renderer.render(body["Properties"][prop])))
                checked += 1
    assert checked >= 4


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_no_template_adds_a_statement_to_the_shared_functions_policy(path: Path) -> None:
    # A project may let its own functions be invoked (the retrain rule → its debounce function); a statement on a
    # platform function (the provisioning Lambdas) would grow their shared policy with every project.
    template, _ = _rendered(path)
    resources: dict[str, dict[str, object]] = template["Resources"]  # type: ignore[assignment]
    own_functions = {name for name, body in resources.items() if body["Type"] == "AWS::Lambda::Function"}
    targets = [
        body["Properties"]["FunctionName"]  # type: ignore[index]
        for body in resources.values()
        if body["Type"] == "AWS::Lambda::Permission"
    ]
    foreign = [
        target for target in targets if not (isinstance(target, dict) and _referenced_resource(target) in own_functions)
    ]
    assert foreign == []


def _referenced_resource(value: dict[str, object]) -> str | None:
    """The logical id a ``Ref``/``Fn::GetAtt`` names (``None`` for anything else)."""
    if "Ref" in value:
        return str(value["Ref"])
    attribute = value.get("Fn::GetAtt")
    if isinstance(attribute, list):
        return str(attribute[0])
    if isinstance(attribute, str):
        return attribute.split(".", 1)[0]
    return None
