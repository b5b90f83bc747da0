"""The variables and secrets each template's workflows read are exactly those the provisioning sets."""

from __future__ import annotations

from typing import Any

import pytest

from tests.templates import workflows
from tests.templates.conftest import PRESENT, TEMPLATE_ROOT


def _reads(name: str) -> list[workflows.JobReads]:
    return [job for path in workflows.workflow_files(TEMPLATE_ROOT / name) for job in workflows.reads(path)]


def test_expressions_are_parsed_from_every_place_a_workflow_can_hold_them() -> None:
    node = {
        "env": {"A": "${{ vars.REPO_A }}"},
        "steps": [{"with": {"role": "${{ vars.ROLE }}-${{ secrets.TOKEN }}"}}, {"run": "echo ${{ inputs.x }}"}],
        "if": "${{ vars.FLAG == 'on' && github.ref == 'refs/heads/main' }}",
    }
    assert workflows.references(node) == ({"REPO_A", "ROLE", "FLAG"}, {"TOKEN"})


@pytest.mark.parametrize("name", PRESENT)
def test_every_template_is_declared_in_the_contract(name: str, contract: dict[str, Any]) -> None:
    assert name in contract["template_repos"]


@pytest.mark.parametrize("name", PRESENT)
def test_jobs_read_only_variables_provisioned_for_their_environment(name: str, contract: dict[str, Any]) -> None:
    declared = contract["template_repos"][name]
    shared = set(contract["org_variables"]) | set(declared["repo_variables"])
    for job in _reads(name):
        allowed = shared | set(declared["environments"].get(job.environment, [])) if job.environment else shared
        unknown = job.variables - allowed
        assert not unknown, f"{name}/{job.workflow} job {job.job} (environment {job.environment}) reads {unknown}"


@pytest.mark.parametrize("name", PRESENT)
def test_jobs_use_only_environments_the_provisioning_creates(name: str, contract: dict[str, Any]) -> None:
    environments = set(contract["template_repos"][name]["environments"])
    used = {job.environment for job in _reads(name) if job.environment}
    assert used <= environments


def _provisioned(name: str, contract: dict[str, Any]) -> set[str]:
    declared = contract["template_repos"][name]
    return set(declared["repo_variables"]).union(*declared["environments"].values())


@pytest.mark.parametrize("name", PRESENT)
def test_the_names_read_are_exactly_the_names_provisioned(name: str, contract: dict[str, Any]) -> None:
    read = set().union(*(job.variables for job in _reads(name))) - set(contract["org_variables"])
    assert read == _provisioned(name, contract)


@pytest.mark.parametrize("name", PRESENT)
def test_secrets_read_are_exactly_the_declared_ones(name: str, contract: dict[str, Any]) -> None:
    secrets = set().union(*(job.secrets for job in _reads(name)))
    assert secrets == set(contract["template_repos"][name].get("secrets") or [])


@pytest.mark.parametrize("name", [n for n in PRESENT if n.startswith("model-deploy") or n == "llm-fine-tuning"])
def test_the_dispatched_workflow_and_input_exist(name: str, contract: dict[str, Any]) -> None:
    dispatch = contract["template_repos"][name]["dispatch"]
    workflow = workflows.load(TEMPLATE_ROOT / name / ".github" / "workflows" / dispatch["workflow"])
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads the bare key `on` as True
    assert dispatch["input"] in triggers["workflow_dispatch"]["inputs"]
