"""Producer and consumer held together for every project option: each variable the provisioning sets on a project's
repositories is read by a workflow, and each variable a workflow reads is set, in the scope the job runs in.

The producer side is computed, not declared: every rendered project template, launched with every combination of
its options (parameters with AllowedValues), through the Lambda's property parsing and ``desired_repos``
(tests/templates/provisioned.py). The consumer side is every workflow of every template repo a project gets. A new
variable, option, template kind or template repo is held to this without editing this file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from platform_cli.github.base_settings import org_variables
from tests.templates import provisioned, workflows
from tests.templates.conftest import TEMPLATE_ROOT

CASES = list(provisioned.cases())
KINDS = sorted({case.kind for case in CASES})
ORG_VARIABLES = set(org_variables(provisioned.REGION, "mlops"))


def _jobs(template_repo: str) -> list[workflows.JobReads]:
    folder = TEMPLATE_ROOT / template_repo
    assert folder.is_dir(), f"the provisioning creates a repo from template-repos/{template_repo}, which is missing"
    return [job for path in workflows.workflow_files(folder) for job in workflows.reads(path)]


# --- the reading side sees every name ----------------------------------------------------------------------------


def test_reads_are_found_in_every_expression_form() -> None:
    job = {
        "if": "vars.ENABLED == 'true' && github.ref == 'refs/heads/main'",
        "env": {"A": "${{ vars['QUOTED'] }}", "B": '${{ vars["DOUBLE"] }}', "C": "${{ steps.vars.outputs.x }}"},
        "steps": [{"if": "${{ secrets.TOKEN != '' }}", "run": "echo ${{ inputs.secrets }}"}],
    }
    assert workflows.references(job) == ({"ENABLED", "QUOTED", "DOUBLE"}, {"TOKEN"})


@pytest.mark.parametrize("expression", ["${{ vars[format('{0}_ROLE', inputs.env)] }}", "${{ toJSON(vars) }}"])
def test_a_read_whose_name_cannot_be_seen_is_refused(expression: str) -> None:
    with pytest.raises(ValueError, match="name each variable"):
        workflows.references({"env": {"X": expression}})


# --- the producing side, resolved as CloudFormation would --------------------------------------------------------


def test_options_are_every_combination_of_the_allowed_values() -> None:
    choices = provisioned.choices("build-deploy-realtime")
    parameters = provisioned.load_template("build-deploy-realtime")["Parameters"]
    options = {name for name, spec in parameters.items() if spec.get("AllowedValues")}
    assert {"BringYourOwnContainer", "RepositoryDeletePolicy"} <= options
    assert {frozenset(choice) for choice in choices} == {frozenset(options)}
    expected = 1
    for name in options:
        expected *= len(parameters[name]["AllowedValues"])
    assert len({tuple(sorted(choice.items())) for choice in choices}) == expected


def test_intrinsic_functions_resolve_as_cloudformation_would() -> None:
    template: dict[str, Any] = {
        "Parameters": {},
        "Conditions": {"On": {"Fn::Equals": [{"Ref": "Flag"}, "true"]}, "Off": {"Fn::Not": [{"Condition": "On"}]}},
        "Resources": {"Role": {"Type": "AWS::IAM::Role"}, "Bucket": {"Type": "AWS::S3::Bucket"}},
        "Mappings": {"Sizes": {"small": {"instance": "ml.m5.large"}}},
    }
    stack = provisioned.Stack(template, {"Flag": "true", "Name": "churn"})
    node = {
        "A": {"Fn::Sub": "${Name}-${AWS::Region}-${!Literal}"},
        "B": {"Fn::If": ["On", {"Fn::GetAtt": ["Role", "Arn"]}, {"Ref": "AWS::NoValue"}]},
        "C": {"If": ["Off", "off", {"Ref": "Bucket"}]},  # short form, as the YAML loader leaves `!If`
        "D": {"Fn::Join": ["/", ["a", {"Ref": "Name"}]]},
        "E": {"Fn::FindInMap": ["Sizes", "small", "instance"]},
        "F": {"Fn::Select": [1, {"Fn::Split": [",", "a,b"]}]},
    }
    assert stack.resolve(node) == {
        "A": "churn-eu-west-1-${Literal}",
        "B": "arn:aws:iam::111111111111:role/role",
        "C": "bucket",
        "D": "a/churn",
        "E": "ml.m5.large",
        "F": "b",
    }
    off = provisioned.Stack(template, {"Flag": "false", "Name": "churn"})
    assert off.resolve({"B": node["B"]}) == {}


def test_every_template_kind_provisions_repositories() -> None:
    for kind in KINDS:
        assert all(provisioned.launch(case.kind, case.choice).repos for case in CASES if case.kind == kind), kind


# --- every variable a workflow reads is set ----------------------------------------------------------------------


def _set_by_some_choice(kind: str) -> dict[str, dict[str | None, set[str]]]:
    """``{template repo: {environment or None: variables}}`` over every choice of ``kind`` (repo-level under None)."""
    scopes: dict[str, dict[str | None, set[str]]] = defaultdict(lambda: defaultdict(set))
    for case in CASES:
        if case.kind != kind:
            continue
        for repo in provisioned.launch(case.kind, case.choice).repos:
            scopes[repo.template_repo][None] |= set(repo.variables)
            for env in repo.environments:
                scopes[repo.template_repo][env.name] |= set(env.variables)
    return scopes


@pytest.mark.parametrize("kind", KINDS)
def test_every_variable_a_job_reads_is_set_in_its_scope(kind: str) -> None:
    """Set on the repo, on the job's environment, or on the org; by at least one choice of the project's options
    (a job reading an option's variable must cope with its absence when the option is off)."""
    unset = []
    for template_repo, scopes in _set_by_some_choice(kind).items():
        for job in _jobs(template_repo):
            visible = ORG_VARIABLES | scopes[None] | (scopes[job.environment] if job.environment else set())
            unset += [(template_repo, job.workflow, job.job, job.environment, name) for name in job.variables - visible]
    assert unset == [], "read but never set there (repo, workflow, job, environment, variable)"


@pytest.mark.parametrize("kind", KINDS)
def test_every_secret_a_job_reads_is_set_on_its_repository(kind: str) -> None:
    """The platform sets no secret by default (OIDC); a template that reads one needs its kind to pass it."""
    unset = []
    for template_repo in _set_by_some_choice(kind):
        given = {
            name
            for case in CASES
            if case.kind == kind
            for repo in provisioned.launch(case.kind, case.choice).repos
            if repo.template_repo == template_repo
            for name in repo.secrets
        }
        unset += [
            (template_repo, job.workflow, job.job, name) for job in _jobs(template_repo) for name in job.secrets - given
        ]
    assert unset == [], "read but never set (repo, workflow, job, secret)"


def test_every_template_repo_is_created_by_some_project() -> None:
    """A template repo no project is created from has workflows nobody checks against what is provisioned."""
    created = {repo.template_repo for case in CASES for repo in provisioned.launch(case.kind, case.choice).repos}
    present = {path.name for path in TEMPLATE_ROOT.iterdir() if path.is_dir()}
    assert present - created == set()


@pytest.mark.parametrize("kind", KINDS)
def test_every_job_runs_in_an_environment_the_project_has(kind: str) -> None:
    missing = [
        (template_repo, job.workflow, job.job, job.environment)
        for template_repo, scopes in _set_by_some_choice(kind).items()
        for job in _jobs(template_repo)
        if job.environment and job.environment not in scopes
    ]
    assert missing == []


# --- every variable the provisioning sets is read ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_every_variable_set_on_a_repository_is_read_by_a_workflow(case: provisioned.Case) -> None:
    """Project-wide values (the template's own parameters: set on every repo of the project) by one of the project's
    repos; every other repo-level value by that repo; an environment's values by a job of that repo in it."""
    launched = provisioned.launch(case.kind, case.choice)
    project_wide = launched.project_wide
    read_by_project = {name for repo in launched.repos for job in _jobs(repo.template_repo) for name in job.variables}
    unread = [(case.kind, "project", name) for name in sorted(project_wide - read_by_project)]
    for repo in launched.repos:
        jobs = _jobs(repo.template_repo)
        read_here = {name for job in jobs for name in job.variables}
        unread += [
            (repo.template_repo, "repo", name) for name in sorted(set(repo.variables) - project_wide - read_here)
        ]
        for env in repo.environments:
            read_in_env = {name for job in jobs if job.environment == env.name for name in job.variables}
            unread += [(repo.template_repo, env.name, name) for name in sorted(set(env.variables) - read_in_env)]
    assert unread == [], "set but never read: a setting that silently does nothing"
