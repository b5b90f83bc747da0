"""The platform configuration: one ``platform.yaml`` read by the CLI, the Lambdas' build and Terraform.

The model is strict (unknown keys are errors) so a typo never silently falls back to a default. Validation
errors name the file, the field path and the problem on one line, for example
``platform.yaml: business_units.retail.prod: '1234' is not a 12-digit AWS account id``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from platform_cli.errors import ConfigError
from platform_cli.regions import region_problem
from platform_cli.strict_model import StrictModel

DEFAULT_CONFIG_PATH = Path("platform.yaml")
ENVIRONMENTS: tuple[str, ...] = ("dev", "preprod", "prod")

# GitHub: 1-39 characters, alphanumerics and single hyphens, no leading/trailing hyphen.
_GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_TEAM_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# Used in S3 bucket names, so S3's rules apply: lower case, digits, hyphens; short enough to leave room.
_PREFIX = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
_BUSINESS_UNIT = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


# What `mlops config init` writes when not told the real values. They validate (so a fresh file can be read and
# rehearsed locally, where local AWS serves exactly these accounts), but `mlops config validate` and `mlops
# doctor` reject them for a real organisation (a GitHub API URL that is not on this machine).
PLACEHOLDER_APP_ID = 123456
PLACEHOLDER_INSTALLATION_ID = 7654321
PLACEHOLDER_ACCOUNTS: dict[str, str] = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


class TemplateKind(StrEnum):
    """The SageMaker project templates the platform offers."""

    BUILD_DEPLOY_REALTIME = "build-deploy-realtime"
    BUILD_DEPLOY_BATCH = "build-deploy-batch"
    PIPELINE_PROMOTION = "pipeline-promotion"
    SINGLE_ACCOUNT_TRAINING = "single-account-training"
    LLM_FINE_TUNING = "llm-fine-tuning"


def _account_id(value: str) -> str:
    if not _ACCOUNT_ID.match(value):
        raise ValueError(f"{value!r} is not a 12-digit AWS account id")
    return value


def _matches(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


AccountId = Annotated[str, AfterValidator(_account_id)]
GitHubLogin = Annotated[str, _matches(_GITHUB_LOGIN, "a valid GitHub organisation or user name")]
GitHubRepoName = Annotated[str, _matches(_GITHUB_REPO, "a valid GitHub repository name")]
TeamSlug = Annotated[str, _matches(_TEAM_SLUG, "a valid GitHub team slug (lower case, digits, - and _)")]


class GitHubSettings(StrictModel):
    """Where the organisation lives and how the platform authenticates to it."""

    org: GitHubLogin = Field(description="GitHub organisation that owns the platform's repositories.")
    api_url: str = Field(
        default="https://api.github.com",
        description="REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.",
    )
    auth: Literal["pat", "app"] = Field(default="app", description="Token kind stored in the credential secret.")
    app_id: int | None = Field(default=None, description="GitHub App id (auth: app).")
    installation_id: int | None = Field(default=None, description="GitHub App installation id (auth: app).")
    base_infrastructure_repo: GitHubRepoName = Field(
        default="base-infrastructure", description="Name of the org's base-infrastructure repository."
    )
    repo_visibility: Literal["private", "internal"] = Field(
        default="private", description="Visibility of the repositories created for projects."
    )

    @field_validator("api_url")
    @classmethod
    def _https_url(cls, value: str) -> str:
        authority = value.split("://", 1)[1].split("/", 1)[0] if "://" in value else ""
        if "@" in authority:
            # Never echo the value: it holds credentials.
            raise ValueError(
                "must not embed credentials (user:password@); store them with `mlops github set-credentials`"
            )
        match = re.match(r"^(https?)://([^\s/]+)(/[^\s]*)?$", value)
        if not match:
            raise ValueError(f"{value!r} is not an http(s) URL")
        scheme, netloc = match.group(1), match.group(2)
        host = netloc.rsplit(":", 1)[0] if not netloc.startswith("[") else netloc.split("]")[0] + "]"
        if scheme == "http" and host not in ("127.0.0.1", "localhost", "[::1]"):
            raise ValueError(f"{value!r} must use https (plain http only for a local forge on 127.0.0.1)")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _app_needs_ids(self) -> GitHubSettings:
        if self.auth == "app":
            missing = [name for name in ("app_id", "installation_id") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"auth 'app' needs {' and '.join(missing)} (or set auth: pat)")
        return self


class AwsSettings(StrictModel):
    region: str = Field(description="AWS region the platform is deployed to, e.g. eu-west-1.")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        problem = region_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class BusinessUnit(StrictModel):
    """The three accounts of one business unit."""

    dev: AccountId = Field(description="Account where data scientists experiment and pipelines train.")
    preprod: AccountId = Field(description="Account where approved models are staged and smoke-tested.")
    prod: AccountId = Field(description="Account that serves production traffic.")

    @model_validator(mode="after")
    def _distinct(self) -> BusinessUnit:
        if len({self.dev, self.preprod, self.prod}) != 3:
            raise ValueError("dev, preprod and prod must be three different accounts")
        return self

    def account(self, environment: str) -> str:
        return str(getattr(self, environment))


class Teams(StrictModel):
    reviewers: TeamSlug = Field(description="Team whose members approve preprod and prod deployments.")
    maintainers: TeamSlug = Field(description="Team that maintains every project repository.")


class Templates(StrictModel):
    enabled: list[TemplateKind] = Field(
        default_factory=lambda: list(TemplateKind),
        min_length=1,
        description="Project templates offered in SageMaker Studio.",
    )

    @field_validator("enabled", mode="before")
    @classmethod
    def _known(cls, value: Any) -> Any:
        known = [kind.value for kind in TemplateKind]
        for item in value if isinstance(value, list) else []:
            if item not in known:
                raise ValueError(f"unknown template {item!r}; choose from {', '.join(known)}")
        return value


class PlatformConfig(StrictModel):
    """The whole of ``platform.yaml``."""

    naming_prefix: str = Field(
        default="mlops", description="Prefix of every name the platform creates (S3 rules: a-z, 0-9, -)."
    )
    github: GitHubSettings
    aws: AwsSettings
    business_units: dict[str, BusinessUnit] = Field(min_length=1)
    teams: Teams
    templates: Templates = Field(default_factory=Templates)

    @field_validator("naming_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError(f"{value!r} is not a valid prefix: 3-20 of a-z, 0-9 and -, starting with a letter")
        return value

    @field_validator("business_units")
    @classmethod
    def _unit_names(cls, value: dict[str, BusinessUnit]) -> dict[str, BusinessUnit]:
        for name in value:
            if not _BUSINESS_UNIT.match(name):
                raise ValueError(f"{name!r} is not a valid business unit name: a-z, 0-9 and -, 1-31 characters")
        return value

    @model_validator(mode="after")
    def _accounts_belong_to_one_unit(self) -> PlatformConfig:
        owners: dict[str, str] = {}
        for name, unit in sorted(self.business_units.items()):
            for account in (unit.dev, unit.preprod, unit.prod):
                if account in owners and owners[account] != name:
                    raise ValueError(
                        f"account {account} is in business units {owners[account]} and {name}; "
                        "each account belongs to one business unit"
                    )
                owners[account] = name
        return self

    def business_unit(self, name: str) -> BusinessUnit:
        try:
            return self.business_units[name]
        except KeyError:
            known = ", ".join(sorted(self.business_units))
            raise ConfigError(f"unknown business unit {name!r}; platform.yaml defines: {known}") from None


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def _model_at(location: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose keys are allowed at ``location`` (the parent of an unknown key)."""
    model: type[BaseModel] = PlatformConfig
    parts = list(location)
    while parts:
        field = model.model_fields.get(str(parts.pop(0)))
        if field is None:
            return None
        annotation = field.annotation
        if get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
            if parts:
                parts.pop(0)
            else:
                return None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _is_account_field(location: tuple[int | str, ...]) -> bool:
    return len(location) == 3 and location[0] == "business_units" and location[2] in ENVIRONMENTS


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(tuple(error["loc"])[:-1])
        allowed = f"; allowed here: {', '.join(parent.model_fields)}" if parent else ""
        return f"unknown key{allowed}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_type" and isinstance(error.get("input"), int) and _is_account_field(tuple(error["loc"])):
        # YAML reads an unquoted 12-digit id as a number (and would drop a leading zero).
        return f"12-digit account id must be a quoted string, e.g. '{error['input']:012d}'"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _first_error(source: str, error: ValidationError) -> ConfigError:
    first = error.errors()[0]
    location = tuple(part for part in first["loc"] if not str(part).startswith("function-"))
    more = error.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''}; run `mlops config validate`)" if more else ""
    return ConfigError(f"{source}: {_field_path(location)}: {_describe(first)}{suffix}")


def all_problems(source: str, error: ValidationError) -> list[str]:
    """Every problem in a validation error, one line each, for ``mlops config validate``."""
    return [f"{source}: {_field_path(tuple(e['loc']))}: {_describe(e)}" for e in error.errors()]


def parse_config(data: Any, source: str = "platform.yaml") -> PlatformConfig:
    """Validate already-parsed YAML; ``source`` names it in errors."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: (top level): expected a mapping of keys, got {type(data).__name__}")
    try:
        return PlatformConfig.model_validate(data)
    except ValidationError as error:
        raise _first_error(source, error) from None


def read_yaml(path: Path) -> Any:
    if not path.exists():
        raise ConfigError(f"{path}: no such file; create one with `mlops config init` (or pass --config PATH)")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}: {where}{problem}") from None


def load_config(path: Path = DEFAULT_CONFIG_PATH) -> PlatformConfig:
    """Read and validate a ``platform.yaml``; raise ``ConfigError`` with one line naming the problem."""
    return parse_config(read_yaml(path), source=str(path))


def targets_this_machine(config: PlatformConfig) -> bool:
    """True when the GitHub API is the local forge on this machine (the local rehearsal)."""
    authority = config.github.api_url.split("://", 1)[-1].split("/", 1)[0]
    host = authority.split("]")[0] + "]" if authority.startswith("[") else authority.rsplit(":", 1)[0]
    return host in _LOOPBACK_HOSTS


def placeholder_problems(config: PlatformConfig, source: str = "platform.yaml") -> list[str]:
    """One line per value left as `mlops config init` wrote it, for a real organisation (none for the local
    rehearsal, whose local AWS serves exactly the placeholder accounts)."""
    if targets_this_machine(config):
        return []
    problems: list[str] = []
    github = config.github
    if github.auth == "app":
        for name, value, placeholder in (
            ("app_id", github.app_id, PLACEHOLDER_APP_ID),
            ("installation_id", github.installation_id, PLACEHOLDER_INSTALLATION_ID),
        ):
            if value == placeholder:
                problems.append(
                    f"{source}: github.{name}: {value} is the placeholder `mlops config init` wrote; set your "
                    f"GitHub App's {name.replace('_', ' ')} (the App's settings page), or use auth: pat"
                )
    for unit_name, unit in config.business_units.items():
        for environment in ENVIRONMENTS:
            account = unit.account(environment)
            if account == PLACEHOLDER_ACCOUNTS[environment]:
                problems.append(
                    f"{source}: business_units.{unit_name}.{environment}: '{account}' is the placeholder "
                    f"`mlops config init` wrote; set the {environment} account's real id "
                    "(`aws sts get-caller-identity` in that account)"
                )
    return problems


def validation_problems(path: Path, api_url: str | None = None) -> list[str]:
    """All problems of a file (empty when valid): ``mlops config validate`` shows them all at once, placeholders
    left from ``mlops config init`` included. ``api_url``: the GitHub API the commands use instead of the file's
    (``MLOPS_GITHUB_API_URL``, set by ``mlops local env``): a local forge there is a local rehearsal too."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        return [f"{path}: (top level): expected a mapping of keys, got {type(data).__name__}"]
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as error:
        return all_problems(str(path), error)
    if api_url:
        config = config.model_copy(update={"github": config.github.model_copy(update={"api_url": api_url})})
    return placeholder_problems(config, str(path))
