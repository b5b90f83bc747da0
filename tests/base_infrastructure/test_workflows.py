"""base-infrastructure's GitHub workflows: plan on PRs, deploy dev → preprod → prod on main, destroy on demand."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_cli.github.base_settings import PLAN_ENVIRONMENT
from tests.base_infrastructure.harness import REPO
from tests.bootstrap.template import Renderer, default_parameters, load_template

WORKFLOWS = REPO / "base-infrastructure" / ".github" / "workflows"
BIN = Path(sys.executable).parent
NAMES = ("plan.yml", "deploy.yml", "destroy.yml")
CONFIGURE_AWS = "aws-actions/configure-aws-credentials@"
LAMBDA_BUILD = "python -m platform_cli.lambdas.build --out build/lambda.zip"


def load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def assumes_role(job: dict[str, Any]) -> bool:
    return any(str(step.get("uses", "")).startswith(CONFIGURE_AWS) for step in steps(job))


def test_the_three_workflows_exist() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == sorted(NAMES)


def test_zizmor_reports_no_findings_even_pedantic() -> None:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona=pedantic", "--format=json", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(result.stdout) == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_workflows_are_valid_against_githubs_schema() -> None:
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS.glob("*.yml")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_every_action_is_pinned_by_a_full_commit_sha(name: str) -> None:
    for job in load(name)["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


@pytest.mark.parametrize("name", NAMES)
def test_permissions_are_empty_at_the_top_and_id_token_only_where_a_role_is_assumed(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}
    for job_name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assert set(permissions.values()) <= {"read", "write"}
        assert {k for k, v in permissions.items() if v == "write"} <= {"id-token"}, job_name
        assert (permissions.get("id-token") == "write") == assumes_role(job), job_name


@pytest.mark.parametrize("name", NAMES)
def test_checkouts_do_not_persist_credentials(name: str) -> None:
    for job in load(name)["jobs"].values():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("name", NAMES)
def test_no_expression_is_expanded_inside_a_shell_script(name: str) -> None:
    for job in load(name)["jobs"].values():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.parametrize("name", NAMES)
def test_no_secrets_and_no_environment_dumps(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert "secrets." not in text
    assert not re.search(r"^\s*run:\s*(env|printenv|set)\s*$", text, re.MULTILINE)


def test_plan_never_applies_and_plans_each_environment_with_the_plan_role() -> None:
    workflow = load("plan.yml")
    assert list(workflow["on"]) == ["pull_request"]
    for job in workflow["jobs"].values():
        assert "terraform apply" not in runs(job) and "terraform destroy" not in runs(job)
    plan = workflow["jobs"]["plan"]
    environments = [entry["environment"] for entry in plan["strategy"]["matrix"]["include"]]
    assert environments == ["dev", "preprod", "prod"]
    roles = {entry["environment"]: entry["plan_role"] for entry in plan["strategy"]["matrix"]["include"]}
    assert roles == {env: f"${{{{ vars.TF_PLAN_ROLE_ARN_{env.upper()} }}}}" for env in environments}
    assert "GITHUB_STEP_SUMMARY" in runs(plan)
    assert plan["needs"] == "checks"


def test_plan_jobs_run_in_the_plan_environment_on_pull_request_never_pull_request_target() -> None:
    """The plan roles trust only the ``plan`` environment (publish gives it the reviewers team); ``pull_request``
    gives fork pull requests no OIDC token, and the job skips them instead of failing."""
    workflow = load("plan.yml")
    assert "pull_request_target" not in workflow["on"]
    plan = workflow["jobs"]["plan"]
    assert plan["environment"] == PLAN_ENVIRONMENT
    assert plan["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    for name, job in workflow["jobs"].items():
        if name != "plan":
            assert "id-token" not in (job.get("permissions") or {}), name
    trust = json.dumps(load_bootstrap_plan_trust())
    assert f":environment:{PLAN_ENVIRONMENT}" in trust


def load_bootstrap_plan_trust() -> Any:
    template = load_template()
    return Renderer(template, default_parameters(template)).policy("PlanRole")


def test_plan_checks_fmt_validate_checkov_and_terraform_tests() -> None:
    checks = runs(load("plan.yml")["jobs"]["checks"])
    for command in ("terraform fmt -check -recursive", "terraform validate", "checkov ", "test"):
        assert command in checks


def test_deploy_applies_dev_then_preprod_then_prod_each_in_its_environment() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    jobs = workflow["jobs"]
    assert list(jobs) == ["dev", "preprod", "prod"]
    assert "needs" not in jobs["dev"]
    assert jobs["preprod"]["needs"] == "dev"
    assert jobs["prod"]["needs"] == "preprod"
    for name, job in jobs.items():
        assert job["environment"] == name
        assert job["env"]["ENVIRONMENT"] == name
        assert "terraform apply" in runs(job)
        role = next(s for s in steps(job) if str(s.get("uses", "")).startswith(CONFIGURE_AWS))
        assert role["with"]["role-to-assume"] == "${{ vars.TF_APPLY_ROLE_ARN }}"


def test_deploy_builds_the_lambda_exactly_as_make_lambda() -> None:
    for job in load("deploy.yml")["jobs"].values():
        assert LAMBDA_BUILD in runs(job)
        assert "lambda_zip_path=../build/lambda.zip" in runs(job)


def test_two_applies_or_an_apply_and_a_destroy_never_overlap() -> None:
    deploy, destroy = load("deploy.yml"), load("destroy.yml")
    expected = {"group": "base-infrastructure-apply", "cancel-in-progress": False}
    assert deploy["concurrency"] == destroy["concurrency"] == expected


def test_destroy_is_manual_per_environment_and_needs_the_name_typed_again() -> None:
    workflow = load("destroy.yml")
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert inputs["environment"]["options"] == ["dev", "preprod", "prod"]
    assert inputs["confirm"]["required"] is True
    job = workflow["jobs"]["destroy"]
    assert job["if"] == "inputs.confirm == inputs.environment"
    assert job["environment"] == "${{ inputs.environment }}"
    first = steps(job)[0]
    assert '"${CONFIRMATION}" != "${ENVIRONMENT}"' in first["run"] and "exit 1" in first["run"]
    assert "terraform destroy" in runs(job)
