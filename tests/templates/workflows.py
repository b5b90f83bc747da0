"""Read template workflows: which variables and secrets each job reads, and in which environment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
REFERENCE = re.compile(r"\b(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class JobReads:
    workflow: str
    job: str
    environment: str | None
    variables: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)


def references(node: Any) -> tuple[set[str], set[str]]:
    """Every `vars.X` and `secrets.X` inside `${{ }}` expressions anywhere in a YAML node."""
    variables: set[str] = set()
    secrets: set[str] = set()
    if isinstance(node, dict):
        items: list[Any] = [*node.keys(), *node.values()]
    elif isinstance(node, list):
        items = node
    else:
        items = [node]
    for item in items:
        if isinstance(item, dict | list):
            more_vars, more_secrets = references(item)
            variables |= more_vars
            secrets |= more_secrets
        elif isinstance(item, str):
            for expression in EXPRESSION.findall(item):
                for kind, name in REFERENCE.findall(expression):
                    (variables if kind == "vars" else secrets).add(name)
    return variables, secrets


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def job_environment(job: dict[str, Any]) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    return str(environment) if environment is not None else None


def reads(path: Path) -> list[JobReads]:
    """Per job: the variables and secrets it reads (workflow-level expressions count for every job)."""
    workflow = load(path)
    top = {key: value for key, value in workflow.items() if key != "jobs"}
    top_vars, top_secrets = references(top)
    result = []
    for name, job in (workflow.get("jobs") or {}).items():
        variables, secrets = references(job)
        result.append(JobReads(path.name, name, job_environment(job), variables | top_vars, secrets | top_secrets))
    return result


def workflow_files(template: Path) -> list[Path]:
    folder = template / ".github" / "workflows"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
