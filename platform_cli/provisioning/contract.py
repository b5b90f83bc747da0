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


class OptionContract(StrictModel):
    """A per-project option (issue 17): the kinds that offer it, the repositories and variables it adds."""

    kinds: tuple[TemplateKind, ...]
    parts: dict[str, str] = Field(default_factory=dict, description="part -> template repo the option adds")
    repo_variables: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="template repo -> variables the option sets on it"
    )


BRING_YOUR_OWN_CONTAINER = "bring_your_own_container"


class Contract(StrictModel):
    version: int
    org_variables: dict[str, str]
    repo_variables: dict[str, str]
    environment_variables: dict[str, str]
    environments: dict[EnvironmentName, EnvironmentRule]
    template_repos: dict[str, TemplateRepoContract]
    kind_variables: dict[TemplateKind, tuple[str, ...]] = Field(default_factory=dict)
    template_kinds: dict[TemplateKind, dict[str, str]] = Field(description="kind -> {part: template repo}")
    options: dict[str, OptionContract] = Field(default_factory=dict)

    def parts(self, kind: TemplateKind) -> dict[str, str]:
        """``{part: template repo}`` of a template kind, in the contract's order."""
        return dict(self.template_kinds[kind])

    def option_parts(self, kind: TemplateKind, options: set[str]) -> dict[str, str]:
        """The kind's parts followed by those of the chosen ``options`` that the kind offers."""
        parts = self.parts(kind)
        for name, option in self.options.items():
            if name in options and kind in option.kinds:
                parts.update(option.parts)
        return parts

    def option_variables(self, template_repo: str, options: set[str]) -> tuple[str, ...]:
        """Variables the chosen ``options`` set on ``template_repo`` (besides its own)."""
        return tuple(
            variable
            for name, option in self.options.items()
            if name in options
            for variable in option.repo_variables.get(template_repo, ())
        )

    def repo(self, template_repo: str) -> TemplateRepoContract:
        return self.template_repos[template_repo]

    def environment_order(self, names: set[str]) -> list[str]:
        return [name for name in ENVIRONMENTS if name in names]


@cache
def load_contract() -> Contract:
    """The packaged ``contract.yaml``, validated (cached: it never changes at run time)."""
    text = resources.files("platform_cli.provisioning").joinpath("contract.yaml").read_text(encoding="utf-8")
    return Contract.model_validate(yaml.safe_load(text))
