"""The variables/secrets/environments contract (``contract.yaml``), loaded and validated once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field

from platform_cli.config import ENVIRONMENTS, TemplateKind
from platform_cli.strict_model import StrictModel

EnvironmentName = Literal["dev", "preprod", "prod"]


class Dispatch(StrictModel):
    """The workflow the trigger Lambda dispatches when a model package is approved."""

    workflow: str
    input: str


class EnvironmentRule(StrictModel):
    reviewers: bool


class TemplateRepoContract(StrictModel):
    """What one template repository's workflows may read."""

    repo_variables: tuple[str, ...]
    environments: dict[EnvironmentName, tuple[str, ...]]
    secrets: tuple[str, ...] = ()
    dispatch: Dispatch | None = None
    # The kind variables (``Contract.kind_variables``) this template's workflows read: set on its repos only.
    kind_variables: tuple[str, ...] = ()


class Contract(StrictModel):
    version: int
    org_variables: dict[str, str]
    repo_variables: dict[str, str]
    environment_variables: dict[str, str]
    environments: dict[EnvironmentName, EnvironmentRule]
    template_repos: dict[str, TemplateRepoContract]
    kind_variables: dict[TemplateKind, tuple[str, ...]] = Field(default_factory=dict)
    template_kinds: dict[TemplateKind, dict[str, str]] = Field(description="kind -> {part: template repo}")

    def parts(self, kind: TemplateKind) -> dict[str, str]:
        """``{part: template repo}`` of a template kind, in the contract's order."""
        return dict(self.template_kinds[kind])

    def repo(self, template_repo: str) -> TemplateRepoContract:
        return self.template_repos[template_repo]

    def environment_order(self, names: set[str]) -> list[str]:
        return [name for name in ENVIRONMENTS if name in names]


@cache
def load_contract() -> Contract:
    """The packaged ``contract.yaml``, validated (cached: it never changes at run time)."""
    text = resources.files("platform_cli.provisioning").joinpath("contract.yaml").read_text(encoding="utf-8")
    return Contract.model_validate(yaml.safe_load(text))
