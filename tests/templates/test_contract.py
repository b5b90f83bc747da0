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


def _option_variables(name: str, contract: dict[str, Any]) -> set[str]:
    """The variables a per-project option (issue 17) sets on ``name``'s repos when it is on."""
    options = (contract.get("options") or {}).values()
    return set().union(*((option.get("repo_variables") or {}).get(name) or [] for option in options))


def _kind_variables(name: str, contract: dict[str, Any]) -> set[str]:
    """The kind variables set on ``name``'s repos: those its contract entry lists (issue 16: only where read)."""
    return set(contract["template_repos"][name].get("kind_variables") or [])


@pytest.mark.parametrize("name", PRESENT)
def test_jobs_read_only_variables_provisioned_for_their_environment(name: str, contract: dict[str, Any]) -> None:
    declared = contract["template_repos"][name]
    shared = set(contract["org_variables"]) | set(declared["repo_variables"]) | _kind_variables(name, contract)
    shared |= _option_variables(name, contract)
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
    return set(declared["repo_variables"]).union(*declared["environments"].values()) | _option_variables(name, contract)


@pytest.mark.parametrize("name", PRESENT)
def test_the_names_read_are_exactly_the_names_provisioned(name: str, contract: dict[str, Any]) -> None:
    read = set().union(*(job.variables for job in _reads(name))) - set(contract["org_variables"])
    assert read - _kind_variables(name, contract) == _provisioned(name, contract)


@pytest.mark.parametrize(
    "kind",
    ["build-deploy-realtime", "build-deploy-batch", "pipeline-promotion", "single-account-training", "llm-fine-tuning"],
)
def test_every_value_a_template_kind_provisions_is_read_by_one_of_its_repos(
    kind: str, contract: dict[str, Any]
) -> None:
    """A Studio parameter that becomes a repo variable nobody reads is a setting that silently does nothing."""
    repos = contract["template_kinds"][kind].values()
    read = set().union(*(job.variables for name in repos for job in _reads(name)))
    unread = set(contract["kind_variables"].get(kind) or []) - read
    assert not unread, f"{kind} provisions {sorted(unread)} but none of its repos' workflows read them"
    declared = set().union(*(_kind_variables(name, contract) for name in repos))
    assert set(contract["kind_variables"].get(kind) or []) <= declared, f"{kind}: a kind variable no repo receives"


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


# --- per-project options (issue 17) ---


def test_every_template_repo_an_option_adds_is_present(contract: dict[str, Any]) -> None:
    added = {repo for option in contract["options"].values() for repo in option["parts"].values()}
    assert added and added <= set(PRESENT)


@pytest.mark.parametrize("option", ["bring_your_own_container"])
def test_every_variable_an_option_sets_is_read_by_the_repo_it_is_set_on(option: str, contract: dict[str, Any]) -> None:
    """An option's variable nobody reads is a switch that silently does nothing (and the reverse is checked by
    test_the_names_read_are_exactly_the_names_provisioned)."""
    for name, variables in contract["options"][option]["repo_variables"].items():
        read = set().union(*(job.variables for job in _reads(name)))
        assert set(variables) <= read, f"{option} sets {sorted(set(variables) - read)} on {name}; nothing reads them"
