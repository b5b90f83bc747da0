"""A validated project request: what a SageMaker project (or ``mlops project create``) asks provisioning for."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, SecretStr, ValidationError, model_validator

from platform_cli.config import AccountId, GitHubLogin, TeamSlug, TemplateKind
from platform_cli.provisioning import names as name_rules
from platform_cli.provisioning.contract import BRING_YOUR_OWN_CONTAINER, EnvironmentName, load_contract
from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.strict_model import StrictModel

# SageMaker's rules, from the one place names are checked (platform_cli/provisioning/names.py).
PROJECT_NAME = name_rules.SAGEMAKER_PROJECT_NAME
PROJECT_ID = name_rules.SAGEMAKER_PROJECT_ID
_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_MODEL_PACKAGE_GROUP = name_rules.SAGEMAKER_ENTITY_NAME
# ECR repository names (lower case, path segments separated by /).
_ECR_REPOSITORY = re.compile(r"^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
# GitHub Actions variable/secret names: letters, digits, underscore; not starting with a digit or GITHUB_.
_ACTIONS_NAME = re.compile(r"^(?!GITHUB_)[A-Z_][A-Z0-9_]{0,99}$")

DeletePolicy = Literal["archive", "delete", "retain"]
Visibility = Literal["private", "internal"]


def _check(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


ProjectName = Annotated[
    str, _check(PROJECT_NAME, "a valid SageMaker project name (1-32 of a-z, A-Z, 0-9 and -, starting alphanumeric)")
]
ProjectId = Annotated[str, _check(PROJECT_ID, "a SageMaker project id like p-abcdef123456")]
# GitHub caps each Actions variable and secret at 48 KB.
MAX_ACTIONS_VALUE_BYTES = 48 * 1024

RoleArn = Annotated[str, _check(_ARN, "an IAM role ARN")]
BucketName = Annotated[str, _check(_BUCKET, "a valid S3 bucket name")]
ModelPackageGroup = Annotated[str, _check(_MODEL_PACKAGE_GROUP, "a valid model package group name")]
EcrRepositoryName = Annotated[
    str, _check(_ECR_REPOSITORY, "a valid ECR repository name (lower case, e.g. mlops/p-abc)")
]


class EnvironmentTarget(StrictModel):
    """The AWS side of one deployment environment."""

    account_id: AccountId
    role_arn: RoleArn = Field(description="Role deploy workflows assume with OIDC in this account.")
    build_role_arn: RoleArn | None = Field(
        default=None, description="Role build/training workflows assume in this account (dev); default role_arn."
    )
    sagemaker_execution_role_arn: RoleArn | None = Field(
        default=None, description="Role of endpoints and transform jobs in this account (deploy repos)."
    )


class ProjectRequest(StrictModel):
    """Everything provisioning needs to know to create and configure a project's repositories."""

    project_name: ProjectName
    project_id: ProjectId
    template_kind: TemplateKind
    org: GitHubLogin = Field(description="Organisation that owns the project's repositories.")
    template_org: GitHubLogin | None = Field(default=None, description="Organisation of the template repos.")
    requesting_user: GitHubLogin | None = Field(default=None, description="GitHub login given write access.")
    region: str = Field(pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
    artifact_bucket: BucketName
    model_package_group_name: ModelPackageGroup
    pipeline_execution_role_arn: RoleArn
    environments: dict[EnvironmentName, EnvironmentTarget]
    reviewers_team: TeamSlug
    maintainers_team: TeamSlug
    visibility: Visibility = "private"
    delete_policy: DeletePolicy = "archive"
    extra_variables: dict[str, str] = Field(default_factory=dict)
    extra_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    # --- bring your own container (issue 17 item 1) ---
    container_repository: EcrRepositoryName | None = Field(
        default=None,
        description="The project's ECR repository (bring your own container): set, the option is on; None: off.",
    )

    @property
    def options(self) -> set[str]:
        """The per-project options (contract.yaml ``options``) this request turns on."""
        return {BRING_YOUR_OWN_CONTAINER} if self.container_repository else set()

    @property
    def templates_owner(self) -> str:
        return self.template_org or self.org

    @property
    def physical_id(self) -> str:
        """Stable identity of the project's repositories: ``<org>/<project>-<id>``."""
        return f"{self.org}/{self.project_name}-{self.project_id}"

    @model_validator(mode="after")
    def _consistent(self) -> ProjectRequest:
        contract = load_contract()
        reserved = set(contract.repo_variables) | set(contract.environment_variables) | set(contract.org_variables)
        sizes = {name: len(value.encode()) for name, value in self.extra_variables.items()}
        sizes |= {name: len(value.get_secret_value().encode()) for name, value in self.extra_secrets.items()}
        for name, size in sorted(sizes.items()):
            if size > MAX_ACTIONS_VALUE_BYTES:
                # The size only, never the value (it may be a secret).
                raise ValueError(
                    f"{name!r} is {size // 1024} KB; GitHub limits Actions variables and secrets to 48 KB each"
                )
        for name in [*self.extra_variables, *self.extra_secrets]:
            if not _ACTIONS_NAME.match(name):
                raise ValueError(f"{name!r} is not a valid GitHub Actions variable or secret name (A-Z, 0-9, _)")
            if name in reserved:
                raise ValueError(f"{name!r} is set by the platform; remove it from the extra variables/secrets")
        for option in sorted(self.options):
            if self.template_kind not in contract.options[option].kinds:
                offered = ", ".join(kind.value for kind in contract.options[option].kinds)
                raise ValueError(f"template {self.template_kind.value} does not offer {option} (only {offered})")
        needed: set[str] = set()
        for template_repo in contract.option_parts(self.template_kind, self.options).values():
            needed |= set(contract.repo(template_repo).environments)
        missing = [env for env in contract.environment_order(needed) if env not in self.environments]
        if missing:
            raise ValueError(f"template {self.template_kind.value} needs environments {', '.join(missing)}")
        return self


def _location(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-")) or "request"


def parse_request(data: Any) -> ProjectRequest:
    """Validate raw input; raise ``InvalidRequestError`` naming the first bad field (never echoing a secret)."""
    if isinstance(data, ProjectRequest):
        return data
    if not isinstance(data, dict):
        raise InvalidRequestError(f"project request: expected a mapping, got {type(data).__name__}")
    try:
        return ProjectRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        where = _location(first)
        if first["type"] == "missing":
            message = "required field is missing"
        elif first["type"] == "extra_forbidden":
            message = "unknown field"
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
        if "secret" in where:
            message = "invalid secret value"
        raise InvalidRequestError(f"project request: {where}: {message}") from None
