"""The GitHub settings base-infrastructure's workflows read, and the one place their names are produced.

``mlops org publish`` sets them from each account's bootstrap stack outputs (bootstrap.yaml ``Outputs``):

- org variables: :data:`ORG_VARIABLES` (region and naming prefix, from platform.yaml), and for the project
  repositories :data:`PROJECT_ORG_VARIABLES` (partition and role names);
- repository variables for the pull-request plans: ``TF_PLAN_ROLE_ARN_<ENV>``, ``TF_STATE_BUCKET_<ENV>``,
  ``TF_LOCK_TABLE_<ENV>``;
- environment variables on ``dev``/``preprod``/``prod`` for the applies: ``TF_APPLY_ROLE_ARN``, ``TF_STATE_BUCKET``,
  ``TF_LOCK_TABLE``; preprod and prod need the reviewers team's approval; every environment deploys from main only;
- the ``plan`` environment the pull-request plan jobs run in: the bootstrap plan role trusts only its OIDC subject
  (``repo:<org>/<repo>:environment:plan``), and a run reaches it only once the reviewers team approved it, so an
  arbitrary pull request cannot read the accounts (IAM sees only the token's ``sub`` and ``aud``, not who opened
  the pull request or which branch it targets).

A contract test holds these names and the names the workflows read (``vars.NAME``) together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from platform_cli.config import ENVIRONMENTS
from platform_cli.github.platform_roles import partition_of, role_names

ORG_VARIABLES: tuple[str, ...] = ("MLOPS_AWS_REGION", "MLOPS_NAMING_PREFIX")
# -- issue 16: what every project repository's workflows share, set once here instead of per repo and environment
# (contract.yaml org_variables): the partition and the names of the roles base infrastructure creates in every
# account; the workflows compose arn:<partition>:iam::<AWS_ACCOUNT_ID>:role/<name>.
PROJECT_ORG_VARIABLES: tuple[str, ...] = (
    "MLOPS_AWS_PARTITION",
    "MLOPS_BUILD_ROLE_NAME",
    "MLOPS_DEPLOY_ROLE_NAME",
    "MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME",
)


# -- end issue 16
# variable name -> bootstrap stack output it holds
ENVIRONMENT_VARIABLES: Mapping[str, str] = {
    "TF_APPLY_ROLE_ARN": "ApplyRoleArn",
    "TF_STATE_BUCKET": "StateBucketName",
    "TF_LOCK_TABLE": "LockTableName",
}
# variable name (``{ENV}`` = upper-case environment) -> bootstrap stack output it holds
PLAN_VARIABLES: Mapping[str, str] = {
    "TF_PLAN_ROLE_ARN_{ENV}": "PlanRoleArn",
    "TF_STATE_BUCKET_{ENV}": "StateBucketName",
    "TF_LOCK_TABLE_{ENV}": "LockTableName",
}
REVIEWED_ENVIRONMENTS: frozenset[str] = frozenset({"preprod", "prod"})
DEPLOY_BRANCH = "main"
# The environment pull-request plans run in (bootstrap.yaml PlanRole trusts exactly this environment's subject).
PLAN_ENVIRONMENT = "plan"


@dataclass(frozen=True)
class EnvironmentSettings:
    name: str
    variables: dict[str, str]
    reviewed: bool
    # () = any ref may use it (pull-request merge refs are not branches); the reviewers' approval is then the gate
    branches: tuple[str, ...] = (DEPLOY_BRANCH,)


@dataclass(frozen=True)
class BaseInfrastructureSettings:
    """What the base-infrastructure repository needs so that its workflows can log in to each account."""

    repo_variables: dict[str, str] = field(default_factory=dict)
    environments: tuple[EnvironmentSettings, ...] = ()
    missing: tuple[str, ...] = ()  # environments without bootstrap outputs: nothing set for them


def org_variables(region: str, prefix: str) -> dict[str, str]:
    """The org-level Actions variables (the same for every repository)."""
    values = dict(zip(ORG_VARIABLES, (region, prefix), strict=True))
    values["MLOPS_AWS_PARTITION"] = partition_of(region)
    values.update(role_names(prefix))
    return values


def plan_variable(template: str, environment: str) -> str:
    return template.replace("{ENV}", environment.upper())


def settings_from_outputs(outputs: Mapping[str, Mapping[str, str]]) -> BaseInfrastructureSettings:
    """``{environment: bootstrap stack outputs}`` → the repository's variables and environments.

    An environment whose outputs are absent is listed in ``missing``; a present one lacking an output is an error
    naming the output (a bootstrap stack older than this kit)."""
    repo_variables: dict[str, str] = {}
    environments: list[EnvironmentSettings] = []
    missing: list[str] = []
    for environment in ENVIRONMENTS:
        stack = outputs.get(environment)
        if not stack:
            missing.append(environment)
            continue
        wanted = {*ENVIRONMENT_VARIABLES.values(), *PLAN_VARIABLES.values()}
        absent = sorted(key for key in wanted if not stack.get(key))
        if absent:
            raise ValueError(
                f"bootstrap outputs of {environment} lack {', '.join(absent)}; re-run bootstrap.sh for that account"
            )
        for template, output in PLAN_VARIABLES.items():
            repo_variables[plan_variable(template, environment)] = stack[output]
        variables = {name: stack[output] for name, output in ENVIRONMENT_VARIABLES.items()}
        environments.append(EnvironmentSettings(environment, variables, environment in REVIEWED_ENVIRONMENTS))
    if environments:
        environments.append(EnvironmentSettings(PLAN_ENVIRONMENT, {}, reviewed=True, branches=()))
    return BaseInfrastructureSettings(repo_variables, tuple(environments), tuple(missing))


def variable_names() -> set[str]:
    """Every variable name ``mlops org publish`` sets when all three accounts are bootstrapped."""
    names = set(ORG_VARIABLES) | set(ENVIRONMENT_VARIABLES)
    names |= {plan_variable(template, environment) for template in PLAN_VARIABLES for environment in ENVIRONMENTS}
    return names
