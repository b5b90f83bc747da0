"""What the provisioning really sets on a project's repositories, for every choice a data scientist can make.

The producer chain is the production one: each rendered SageMaker project template's ``Custom::ProjectRepos``
properties (resolved here for one set of Studio parameter values, as CloudFormation would) → the Lambda's
``request_from_properties`` → ``desired_repos``. Every parameter with ``AllowedValues`` (an option such as
``BringYourOwnContainer``) is tried with each of its values, in every combination, so a variable set only when an
option is on is found without naming the option here.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from platform_cli.config import TemplateKind
from platform_cli.lambdas.properties import request_from_properties
from platform_cli.lambdas.settings import LambdaSettings
from platform_cli.provisioning.desired import DesiredRepo, desired_repos
from platform_cli.provisioning.request import ProjectRequest
from tests.provisioning.test_project_templates import load as load_rendered

CUSTOM_RESOURCE = "Custom::ProjectRepos"
REGION = "eu-west-1"
ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
# What SageMaker passes, and what base-infrastructure publishes in SSM (the parameters' defaults are SSM names).
GIVEN = {"SageMakerProjectName": "churn", "SageMakerProjectId": "p-abc123def456", "GitHubUsername": "ada"}
SSM = {f"/mlops/accounts/{env}": account for env, account in ACCOUNTS.items()} | {"/mlops/naming_prefix": "mlops"}
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNTS["dev"],
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "SC-111111111111-pp-abcdefghijklm",
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNTS['dev']}:stack/SC-111111111111-pp-abcdefghijklm/1",
}
SETTINGS = LambdaSettings(
    github_org="acme", credentials_secret_id=f"arn:aws:secretsmanager:{REGION}:{ACCOUNTS['dev']}:secret:github"
)
_NO_VALUE = object()
# Intrinsic functions as the YAML loader leaves their short form (`!If [...]` → ``{"If": [...]}``).
SHORT_FORMS = {
    "Sub",
    "GetAtt",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "Join",
    "Select",
    "Split",
    "FindInMap",
    "ToJsonString",
    "ImportValue",
    "Base64",
    "GetAZs",
    "Cidr",
    "Length",
}
_SUB = re.compile(r"\$\{(!?)([^}]+)\}")


@cache
def load_template(kind: str) -> dict[str, Any]:
    """The rendered template, short-form tags read as one-key maps (`!Sub x` → ``{"Sub": x}``); cached, read-only."""
    return load_rendered(TemplateKind(kind))


@dataclass
class Stack:
    """One launch of a project template: its parameter values, and intrinsic functions resolved as CloudFormation
    would (resources that do not exist yet get stand-in names and ARNs)."""

    template: dict[str, Any]
    parameters: dict[str, str]

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [value for value in (self.resolve(item) for item in node) if value is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key in ("Ref", "Condition") or key.startswith("Fn::"):
                return self._intrinsic(key, argument)
            if key in SHORT_FORMS:
                return self._intrinsic(f"Fn::{key}", argument)
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not _NO_VALUE}

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.template.get("Resources", {}):
            return name.lower()  # a physical id: S3 bucket names and most others accept it
        raise AssertionError(f"Ref to {name}: neither a parameter, a resource nor a known pseudo parameter")

    def _get_att(self, resource: str, attribute: str) -> str:
        kind = self.template["Resources"][resource]["Type"]
        if kind == "AWS::IAM::Role" and attribute == "Arn":
            return f"arn:aws:iam::{ACCOUNTS['dev']}:role/{resource.lower()}"
        return f"{resource.lower()}-{attribute.lower().replace('.', '-')}"

    def _sub(self, text: str, variables: dict[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            if match[1]:
                return "${" + match[2] + "}"  # ${!Literal}
            name = match[2]
            if name in variables:
                return str(variables[name])
            if "." in name:
                return self._get_att(*name.split(".", 1))
            return str(self._ref(name))

        return _SUB.sub(replace, text)

    def _intrinsic(self, key: str, argument: Any) -> Any:
        if key == "Ref":
            return self._ref(argument)
        if key == "Condition":
            return self.condition(argument)
        if key == "Fn::GetAtt":
            resolved = self.resolve(argument)
            return self._get_att(*(resolved.split(".", 1) if isinstance(resolved, str) else resolved))
        if key == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else argument
            return self._sub(text, self.resolve(variables))
        if key == "Fn::If":
            name, when_true, when_false = argument
            return self.resolve(when_true if self.condition(name) else when_false)
        if key == "Fn::Equals":
            left, right = self.resolve(argument)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self.resolve(argument)[0]
        if key == "Fn::And":
            return all(self.resolve(argument))
        if key == "Fn::Or":
            return any(self.resolve(argument))
        if key == "Fn::Join":
            separator, values = argument
            return separator.join(str(value) for value in self.resolve(values))
        if key == "Fn::Select":
            index, values = self.resolve(argument)
            return values[int(index)]
        if key == "Fn::Split":
            separator, text = self.resolve(argument)
            return str(text).split(separator)
        if key == "Fn::FindInMap":
            name, first, second = self.resolve(argument)
            return self.template["Mappings"][name][first][second]
        if key == "Fn::ToJsonString":
            return json.dumps(self.resolve(argument), separators=(",", ":"))
        if key == "Fn::ImportValue":
            return f"import-{self.resolve(argument)}"
        raise AssertionError(f"{key} is not resolved by tests/templates/provisioned.py: add it there")


def _default(name: str, spec: dict[str, Any]) -> str:
    if name in GIVEN:
        return GIVEN[name]
    if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
        return SSM.get(spec["Default"], f"ssm-{spec['Default'].strip('/').replace('/', '-')}")
    if "Default" in spec:
        return str(spec["Default"])
    raise AssertionError(f"parameter {name} has no default: give it a value in tests/templates/provisioned.py GIVEN")


def choices(kind: str) -> list[dict[str, str]]:
    """Every combination of the values of the template's parameters that have ``AllowedValues`` (its options)."""
    parameters = load_template(kind).get("Parameters", {})
    options = {name: spec["AllowedValues"] for name, spec in parameters.items() if spec.get("AllowedValues")}
    names = sorted(options)
    return [
        dict(zip(names, (str(v) for v in values), strict=True))
        for values in itertools.product(*map(options.get, names))
    ]


@dataclass(frozen=True)
class Launch:
    """A project launched from a template with some choice of options: what the Lambda is asked, what it sets."""

    request: ProjectRequest
    repos: list[DesiredRepo]

    @property
    def project_wide(self) -> set[str]:
        """Variables of the template's own parameters (``ExtraVariables``): set on every repository of the project."""
        return set(self.request.extra_variables)


def launch(kind: str, choice: dict[str, str]) -> Launch:
    """Launch ``kind`` with the Studio values ``choice``: the request its custom resource makes, and the repos."""
    return _launch(kind, tuple(sorted(choice.items())))


@cache
def _launch(kind: str, choice_items: tuple[tuple[str, str], ...]) -> Launch:
    choice = dict(choice_items)
    template = load_template(kind)
    parameters = {name: _default(name, spec) for name, spec in template.get("Parameters", {}).items()} | choice
    stack = Stack(template, parameters)
    custom = [resource for resource in template["Resources"].values() if resource["Type"] == CUSTOM_RESOURCE]
    assert len(custom) == 1, f"{kind}: expected one {CUSTOM_RESOURCE}"
    # ExtraSecrets name Secrets Manager secrets; the Lambda reads their values at run time.
    request = request_from_properties(stack.resolve(custom[0]["Properties"]), SETTINGS, lambda _: "a-secret-value")
    return Launch(request, desired_repos(request))


@dataclass(frozen=True)
class Case:
    kind: str
    choice: dict[str, str]

    @property
    def id(self) -> str:
        return ",".join([self.kind, *(f"{name}={value}" for name, value in self.choice.items())])


def cases() -> Iterator[Case]:
    for kind in TemplateKind:
        for choice in choices(kind.value):
            yield Case(kind.value, choice)
