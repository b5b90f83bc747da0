"""Read template workflows: which variables and secrets each job reads, and in which environment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# `vars.NAME`, `vars['NAME']`, `vars["NAME"]` (and the same for secrets); not `steps.vars.x` nor `inputs.secrets`.
_CONTEXT = r"(?<![\w.-])(vars|secrets)"
REFERENCE = re.compile(_CONTEXT + r"(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']+)'\s*\]|\[\s*\"([^\"]+)\"\s*\])")
# What no test could read a name from: a computed index (`vars[format(...)]`), or the whole context (`toJSON(vars)`).
UNREADABLE = re.compile(_CONTEXT + r"(?:\[(?!\s*['\"])|\b(?!\s*[.\[]))")


@dataclass
class JobReads:
    workflow: str
    job: str
    environment: str | None
    variables: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)


def expressions(text: str, *, condition: bool = False) -> list[str]:
    """The expressions in a workflow string: each `${{ ... }}`, or the whole of an `if:` written without them."""
    found = EXPRESSION.findall(text)
    return found if found or not condition else [text]


def references(node: Any, *, key: Any = None) -> tuple[set[str], set[str]]:
    """Every `vars.X` and `secrets.X` read by expressions anywhere in a YAML node (`${{ }}` or a bare `if:`)."""
    variables: set[str] = set()
    secrets: set[str] = set()
    if isinstance(node, dict):
        for name, value in node.items():
            for part, part_key in ((name, None), (value, name)):
                more_vars, more_secrets = references(part, key=part_key)
                variables |= more_vars
                secrets |= more_secrets
    elif isinstance(node, list):
        for item in node:
            more_vars, more_secrets = references(item)
            variables |= more_vars
            secrets |= more_secrets
    elif isinstance(node, str):
        for expression in expressions(node, condition=key == "if"):
            unreadable = UNREADABLE.search(expression)
            if unreadable:
                raise ValueError(
                    f"{expression.strip()!r}: name each variable or secret (`vars.NAME`), not `{unreadable[0]}...`: "
                    "the contract tests must see every name a workflow reads"
                )
            for kind, *names in REFERENCE.findall(expression):
                (variables if kind == "vars" else secrets).add(next(name for name in names if name))
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
