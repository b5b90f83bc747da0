"""The role ARNs project workflows compose (issue 16) are exactly the roles the provisioning admits them to.

Workflows build ``arn:<MLOPS_AWS_PARTITION>:iam::<AWS_ACCOUNT_ID>:role/<MLOPS_*_ROLE_NAME>`` from the org variables
``mlops org publish`` sets and the one environment variable the provisioning sets; the provisioning Lambda computes
the same ARNs from its settings (and admits each repository to that role's trust). Evaluated with a non-default
prefix and partition, for every job of every template of every kind."""

from __future__ import annotations

import re
from typing import Any

import pytest

from platform_cli.config import TemplateKind
from platform_cli.github.base_settings import ORG_VARIABLES, PROJECT_ORG_VARIABLES, org_variables
from platform_cli.lambdas.properties import request_from_properties
from platform_cli.lambdas.settings import LambdaSettings
from platform_cli.provisioning.contract import load_contract
from platform_cli.provisioning.desired import desired_repos
from tests.lambdas.conftest import properties
from tests.templates import workflows
from tests.templates.conftest import TEMPLATE_ROOT

REGION, PREFIX = "cn-north-1", "acme"
_VARIABLE = re.compile(r"\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}")


def _evaluate(text: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda match: values[match.group(1)], text)


def _jobs(template: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in workflows.workflow_files(TEMPLATE_ROOT / template):
        for name, job in (workflows.load(path).get("jobs") or {}).items():
            found.append((f"{path.name}/{name}", job))
    return found


def _role_to_assume(job: dict[str, Any]) -> list[str]:
    steps = job.get("steps") or []
    return [
        str(step["with"]["role-to-assume"])
        for step in steps
        if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials")
    ]


CASES = [(kind, {}) for kind in TemplateKind] + [
    (TemplateKind.BUILD_DEPLOY_BATCH, {"ContainerRepository": "acme/p-abc123def456"}),  # + container-build
]


@pytest.mark.parametrize(("kind", "extra"), CASES)
def test_every_composed_role_is_the_role_the_provisioning_admits(kind: TemplateKind, extra: dict[str, str]) -> None:
    settings = LambdaSettings(github_org="acme", credentials_secret_id="s", naming_prefix=PREFIX, region=REGION)
    request = request_from_properties(properties(kind, Region=REGION, **extra), settings)
    org = org_variables(REGION, PREFIX)
    checked = 0
    for repo in desired_repos(request):
        environments = {env.name: env for env in repo.environments}
        for job_name, job in _jobs(repo.template_repo):
            env_name = workflows.job_environment(job)
            roles = _role_to_assume(job)
            if not roles:
                continue
            assert env_name in environments, f"{repo.template_repo} {job_name} assumes a role outside an environment"
            env = environments[env_name]
            values = {**org, **env.variables}
            for role in roles:
                assert _evaluate(role, values) == env.role_arn, f"{repo.template_repo} {job_name}"
                assert env.role_arn.startswith("arn:aws-cn:iam::") and f":role/{PREFIX}-github-" in env.role_arn
                checked += 1
            execution = (job.get("env") or {}).get("SAGEMAKER_EXECUTION_ROLE_ARN")
            if execution is not None:
                target = request.environments[env.name]  # type: ignore[index]
                assert _evaluate(str(execution), values) == target.sagemaker_execution_role_arn
    assert checked  # every kind has at least one job that logs in to AWS


def test_the_org_variables_the_workflows_read_are_the_ones_publish_sets() -> None:
    contract = load_contract()
    assert set(contract.org_variables) == {*ORG_VARIABLES, *PROJECT_ORG_VARIABLES}
    assert set(org_variables(REGION, PREFIX)) == set(contract.org_variables)


def test_the_lambda_and_publish_name_the_same_roles() -> None:
    settings = LambdaSettings(github_org="acme", credentials_secret_id="s", naming_prefix=PREFIX, region=REGION)
    org = org_variables(REGION, PREFIX)
    assert org["MLOPS_AWS_PARTITION"] == settings.partition == "aws-cn"
    assert org["MLOPS_BUILD_ROLE_NAME"] == settings.build_role
    assert org["MLOPS_DEPLOY_ROLE_NAME"] == settings.deploy_role
    assert org["MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME"] == settings.sagemaker_execution_role
