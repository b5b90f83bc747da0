"""The Lambdas' settings: organisation-wide values, set by Terraform as environment variables (from the same
platform.yaml), so project templates pass only what is specific to a project."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from platform_cli.github.platform_roles import partition_of, role_names
from platform_cli.lambdas.exceptions import LambdaConfigError

if TYPE_CHECKING:
    from platform_cli.config import PlatformConfig


@dataclass(frozen=True)
class LambdaSettings:
    github_org: str
    credentials_secret_id: str
    api_url: str = "https://api.github.com"
    template_org: str | None = None
    reviewers_team: str = "ml-reviewers"
    maintainers_team: str = "ml-platform"
    repo_visibility: str = "private"
    naming_prefix: str = "mlops"
    region: str = "eu-west-1"
    deploy_role_name: str | None = None
    build_role_name: str | None = None
    sagemaker_execution_role_name: str | None = None
    trust_role_name: str | None = None
    registry_role_name: str | None = None  # bring your own container (issue 17 item 1)
    dispatch_table: str | None = None
    write_pacing_seconds: float = 1.0
    # DynamoDB table holding GitHub's write budget, shared by every invocation using the credential (budget.py).
    write_budget_table: str | None = None
    deadline_margin_seconds: float = 20.0
    answer_margin_seconds: float = 5.0
    generation_timeout_seconds: float = 120.0
    # -- issue 16: continuation. CloudFormation waits for a custom resource's answer for its ServiceTimeout (1 to
    # 3600 s; the project template leaves the default, 3600); a request is continued in new invocations until then,
    # keeping continuation_margin_seconds (at most a tenth of the wait) to answer in; a continuation needs at least
    # continuation_min_seconds.
    service_timeout_seconds: float = 3600.0
    continuation_margin_seconds: float = 120.0
    continuation_min_seconds: float = 60.0
    credentials_ttl_seconds: float = 300.0
    dispatch_statuses: tuple[str, ...] = ("Approved",)
    dispatch_ref: str = "main"

    @property
    def deploy_role(self) -> str:
        """OIDC role of deploy workflows, in every account (base infrastructure: ``<prefix>-github-deploy``); the
        workflows compose the same ARN from the org variable ``mlops org publish`` sets (``role_names``)."""
        return self.deploy_role_name or role_names(self.naming_prefix)["MLOPS_DEPLOY_ROLE_NAME"]

    @property
    def build_role(self) -> str:
        """OIDC role of build/training workflows, dev account only (``<prefix>-github-build``)."""
        return self.build_role_name or role_names(self.naming_prefix)["MLOPS_BUILD_ROLE_NAME"]

    @property
    def trust_role(self) -> str:
        """Role in every account through which the provisioning edits the OIDC roles' trust
        (base infrastructure: ``<prefix>-project-trust``)."""
        return self.trust_role_name or f"{self.naming_prefix}-project-trust"

    @property
    def registry_role(self) -> str:
        """Role in preprod and prod through which the provisioning creates a bring-your-own-container project's ECR
        repository (base infrastructure: ``<prefix>-project-registry``)."""
        return self.registry_role_name or f"{self.naming_prefix}-project-registry"

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def sagemaker_execution_role(self) -> str:
        default = role_names(self.naming_prefix)["MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME"]
        return self.sagemaker_execution_role_name or default

    @property
    def write_budget_key(self) -> str:
        """The budget's key: the credential (its secret's id and the GitHub host), never its value."""
        return f"{self.api_url}|{self.credentials_secret_id}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LambdaSettings:
        env = os.environ if environ is None else environ

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise LambdaConfigError(f"environment variable {name} is not set; set it in the Lambda's configuration")
            return value

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return float(raw)
            except ValueError:
                raise LambdaConfigError(f"environment variable {name} must be a number, got {raw[:20]!r}") from None

        statuses = tuple(s.strip() for s in env.get("MLOPS_DISPATCH_STATUSES", "Approved").split(",") if s.strip())
        return cls(
            github_org=required("MLOPS_GITHUB_ORG"),
            credentials_secret_id=(
                env.get("MLOPS_GITHUB_CREDENTIALS_ARN", "").strip() or required("MLOPS_GITHUB_CREDENTIALS_SECRET")
            ),
            api_url=env.get("MLOPS_GITHUB_API_URL", "https://api.github.com").rstrip("/"),
            template_org=env.get("MLOPS_GITHUB_TEMPLATE_ORG") or None,
            reviewers_team=env.get("MLOPS_REVIEWERS_TEAM", "ml-reviewers"),
            maintainers_team=env.get("MLOPS_MAINTAINERS_TEAM", "ml-platform"),
            repo_visibility=env.get("MLOPS_REPO_VISIBILITY", "private"),
            naming_prefix=env.get("MLOPS_NAMING_PREFIX", "mlops"),
            region=env.get("MLOPS_REGION") or env.get("AWS_REGION") or "eu-west-1",
            deploy_role_name=env.get("MLOPS_DEPLOY_ROLE_NAME") or None,
            build_role_name=env.get("MLOPS_BUILD_ROLE_NAME") or None,
            sagemaker_execution_role_name=env.get("MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME") or None,
            trust_role_name=env.get("MLOPS_TRUST_ROLE_NAME") or None,
            registry_role_name=env.get("MLOPS_REGISTRY_ROLE_NAME") or None,
            dispatch_table=env.get("MLOPS_DISPATCH_TABLE") or None,
            write_pacing_seconds=number("MLOPS_WRITE_PACING_SECONDS", 1.0),
            write_budget_table=env.get("MLOPS_WRITE_BUDGET_TABLE", "").strip() or None,
            deadline_margin_seconds=number("MLOPS_DEADLINE_MARGIN_SECONDS", 20.0),
            answer_margin_seconds=number("MLOPS_ANSWER_MARGIN_SECONDS", 5.0),
            generation_timeout_seconds=number("MLOPS_GENERATION_TIMEOUT_SECONDS", 120.0),
            service_timeout_seconds=number("MLOPS_SERVICE_TIMEOUT_SECONDS", 3600.0),
            credentials_ttl_seconds=number("MLOPS_CREDENTIALS_TTL_SECONDS", 300.0),
            dispatch_statuses=statuses or ("Approved",),
            dispatch_ref=env.get("MLOPS_DISPATCH_REF", "main"),
        )


def settings_from_config(config: PlatformConfig, credentials_secret_id: str, **overrides: Any) -> LambdaSettings:
    """The settings Terraform gives the Lambdas, computed from ``platform.yaml`` (the CLI plays the Lambda)."""
    values: dict[str, Any] = {
        "github_org": config.github.org,
        "credentials_secret_id": credentials_secret_id,
        "api_url": config.github.api_url,
        "reviewers_team": config.teams.reviewers,
        "maintainers_team": config.teams.maintainers,
        "repo_visibility": config.github.repo_visibility,
        "naming_prefix": config.naming_prefix,
        "region": config.aws.region,
    }
    values.update(overrides)
    return LambdaSettings(**values)
