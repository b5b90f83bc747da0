"""The desired state of each repository of a project, computed from a validated request and the contract.

Pure data: no GitHub calls here. ``reconcile`` brings GitHub to this state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from platform_cli.provisioning.contract import Contract, load_contract
from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.provisioning.request import DeletePolicy, ProjectRequest, Visibility
from platform_cli.secret import Secret as Secret  # re-exported: reconcile.py imports it from here

MAX_REPO_NAME = 100
_REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_TOPIC_CHARS = re.compile(r"[^a-z0-9-]+")
MAINTAINERS_PERMISSION = "maintain"
REVIEWERS_PERMISSION = "pull"
# The requesting user writes code; never admin (admins can bypass reviews and change protections).
USER_PERMISSION = "push"
DEPLOYMENT_BRANCH = "main"


@dataclass(frozen=True)
class DesiredEnvironment:
    name: str
    variables: dict[str, str]
    secrets: dict[str, Secret]
    reviewer_team: str | None
    prevent_self_review: bool
    # () = "protected branches only": main, the one branch the provisioning protects (one write per environment
    # fewer than a custom branch policy); a name here makes it a custom policy for exactly those branches.
    deployment_branches: tuple[str, ...] = ()
    # Reviewed environments (preprod, prod) bind admins too: no repository admin deploys past the review.
    admins_bypass: bool = True
    # The OIDC role this environment's jobs assume. Not written to GitHub: the workflows compose it from
    # AWS_ACCOUNT_ID and the org variables (contract.yaml); the trust maintainer admits the repo to it.
    role_arn: str = ""


@dataclass(frozen=True)
class BranchProtection:
    """Protection of the default branch: changes arrive through reviewed pull requests."""

    required_approving_review_count: int = 1
    dismiss_stale_reviews: bool = True
    enforce_admins: bool = True


@dataclass(frozen=True)
class DesiredRepo:
    """Everything one project repository should be."""

    owner: str
    name: str
    part: str
    template_owner: str
    template_repo: str
    visibility: Visibility
    description: str
    topics: tuple[str, ...]
    variables: dict[str, str]
    secrets: dict[str, Secret]
    environments: tuple[DesiredEnvironment, ...]
    maintainers_team: str
    reviewers_team: str
    requesting_user: str | None
    delete_policy: DeletePolicy
    protection: BranchProtection = field(default_factory=BranchProtection)
    dispatch_workflow: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def template_full_name(self) -> str:
        return f"{self.template_owner}/{self.template_repo}"


def repo_name(project_name: str, project_id: str, part: str) -> str:
    """``<project>-<id>-<part>``, checked against GitHub's rules."""
    name = f"{project_name}-{project_id}-{part}"
    if len(name) > MAX_REPO_NAME or not _REPO_NAME.match(name):
        raise InvalidRequestError(f"repository name {name!r} is not valid on GitHub; shorten the project name")
    return name


def topic(value: str) -> str:
    """A GitHub topic: lower case, a-z 0-9 and -, at most 50 characters."""
    return _TOPIC_CHARS.sub("-", value.lower()).strip("-")[:50]


def environment_role(request: ProjectRequest, env: str, part: str) -> str:
    """Deploy repos assume the deploy role everywhere; other repos the build role where there is one (dev).
    The workflows compose the same ARN from the org variables (``MLOPS_BUILD_ROLE_NAME``/``MLOPS_DEPLOY_ROLE_NAME``)."""
    target = request.environments[env]  # type: ignore[index]
    return target.role_arn if part == "deploy" or target.build_role_arn is None else target.build_role_arn


def _environment_values(request: ProjectRequest, env: str) -> dict[str, str]:
    target = request.environments[env]  # type: ignore[index]
    values = {"AWS_ACCOUNT_ID": target.account_id}
    values["CONTAINER_REGISTRY"] = ecr_registry(target.account_id, request.region)  # bring your own container
    return values


# --- bring your own container (issue 17 item 1) ---------------------------------------------------------------


def ecr_registry(account_id: str, region: str) -> str:
    """The account's ECR registry host in ``region`` (the China regions' domain is amazonaws.com.cn)."""
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account_id}.dkr.ecr.{region}.{domain}"


def _container_values(request: ProjectRequest) -> dict[str, str]:
    """The option's repository-level values; empty when the project has no container repository."""
    if not request.container_repository or "dev" not in request.environments:
        return {}
    registry = ecr_registry(request.environments["dev"].account_id, request.region)
    return {
        "CONTAINER_REPOSITORY_NAME": request.container_repository,
        "CONTAINER_REPOSITORY_URI": f"{registry}/{request.container_repository}",
    }


# --- end bring your own container ---


def desired_repos(request: ProjectRequest, contract: Contract | None = None) -> list[DesiredRepo]:
    """The desired state of every repository of the project, in the contract's order."""
    contract = contract or load_contract()
    repo_values = {
        "SAGEMAKER_PROJECT_NAME": request.project_name,
        "SAGEMAKER_PROJECT_ID": request.project_id,
        "MODEL_PACKAGE_GROUP_NAME": request.model_package_group_name,
        "ARTIFACT_BUCKET": request.artifact_bucket,
        "PIPELINE_EXECUTION_ROLE_ARN": request.pipeline_execution_role_arn,
        **_container_values(request),
    }
    extra_secrets = {name: Secret(value.get_secret_value()) for name, value in sorted(request.extra_secrets.items())}
    repos: list[DesiredRepo] = []
    kind_variables = set(contract.kind_variables.get(request.template_kind, ()))
    for part, template_repo in contract.option_parts(request.template_kind, request.options).items():
        rules = contract.repo(template_repo)
        variables = {name: repo_values[name] for name in rules.repo_variables}
        variables.update(
            {name: repo_values[name] for name in contract.option_variables(template_repo, request.options)}
        )
        # A kind variable goes only to the repos whose workflows read it; any other extra variable to every repo.
        variables.update(
            (name, value)
            for name, value in sorted(request.extra_variables.items())
            if name not in kind_variables or name in rules.kind_variables
        )
        environments = []
        for env in contract.environment_order(set(rules.environments)):
            values = _environment_values(request, env)
            needs_review = contract.environments[env].reviewers  # type: ignore[index]
            environments.append(
                DesiredEnvironment(
                    name=env,
                    variables={name: values[name] for name in rules.environments[env]},  # type: ignore[index]
                    secrets={},
                    reviewer_team=request.reviewers_team if needs_review else None,
                    prevent_self_review=needs_review,
                    admins_bypass=not needs_review,
                    role_arn=environment_role(request, env, part),
                )
            )
        repos.append(
            DesiredRepo(
                owner=request.org,
                name=repo_name(request.project_name, request.project_id, part),
                part=part,
                template_owner=request.templates_owner,
                template_repo=template_repo,
                visibility=request.visibility,
                description=(
                    f"SageMaker project {request.project_name} ({request.project_id}): {part} "
                    f"[{request.template_kind.value}]"
                ),
                topics=tuple(
                    sorted(
                        {
                            "mlops",
                            "sagemaker-project",
                            topic(request.project_name),
                            topic(request.project_id),
                            topic(request.template_kind.value),
                        }
                    )
                ),
                variables=variables,
                secrets=dict(extra_secrets),
                environments=tuple(environments),
                maintainers_team=request.maintainers_team,
                reviewers_team=request.reviewers_team,
                requesting_user=request.requesting_user,
                delete_policy=request.delete_policy,
                dispatch_workflow=rules.dispatch.workflow if rules.dispatch else None,
            )
        )
    return repos
