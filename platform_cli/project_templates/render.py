"""Render the SageMaker project templates from their one jinja2 source.

``python -m platform_cli.project_templates.render`` writes
``base-infrastructure/project-templates/rendered/<template-kind>.yaml`` (names stable: Terraform uploads them);
``--check`` exits 1 when a rendered file is out of date (CI). The kinds' repository parts and dispatch come from
the provisioning contract, so templates and the Lambda cannot disagree about them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml

from platform_cli.config import ENVIRONMENTS, TemplateKind
from platform_cli.project_templates import launch_permissions
from platform_cli.provisioning.container import CONTAINER_LIFECYCLE_POLICY
from platform_cli.provisioning.contract import BRING_YOUR_OWN_CONTAINER, load_contract

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "base-infrastructure" / "project-templates"
LAUNCH_PERMISSIONS = "rendered/launch-permissions.json"


def _snake_upper(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _environment(source: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(source)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - renders YAML, not HTML
    )
    env.filters["snake_upper"] = _snake_upper
    return env


def kind_context(kind: TemplateKind, spec: dict[str, Any]) -> dict[str, Any]:
    contract = load_contract()
    parts = contract.parts(kind)
    used: set[str] = set()
    dispatch = False
    for template_repo in parts.values():
        rules = contract.repo(template_repo)
        used |= set(rules.environments)
        dispatch = dispatch or rules.dispatch is not None
    own = list(spec.get("parameters") or {})
    if spec.get("container_repository"):
        own.insert(0, "BringYourOwnContainer")
    if spec.get("retrain_pipeline"):  # issue 17 item 2
        own.append("RetrainOnNewData")
    # bring your own container (issue 17 item 1): the repositories the option adds, and the ECR lifecycle policy.
    option_parts: dict[str, str] = {}
    if spec.get("container_repository"):
        option_parts = contract.options[BRING_YOUR_OWN_CONTAINER].parts
    return {
        "container_lifecycle_policy": json.dumps(CONTAINER_LIFECYCLE_POLICY, separators=(",", ":")),
        "option_parts": option_parts,
        "kind": kind.value,
        "spec": {**spec, "parameters": spec.get("parameters") or {}},
        "own_parameters": own,
        "parts": list(parts),
        "environments": [env for env in ENVIRONMENTS if env in used],
        "dispatch": dispatch,
        **retrain_context(spec),
    }


# --- issue 17 item 2: retrain on new data ------------------------------------------------------------------------
RETRAIN_DEBOUNCE_SOURCE = Path(__file__).resolve().with_name("retrain_debounce.py")
RETRAIN_DATA_PREFIX = "data/"  # under the project's artifact bucket; the pipeline's InputDataUrl when retraining
RETRAIN_DEBOUNCE_SECONDS = 300  # uploads within this window of the first start one execution


def retrain_context(spec: dict[str, Any]) -> dict[str, Any]:
    """The debounce function's source, inlined (ZipFile) by the kinds whose pipeline retrains on new data."""
    context: dict[str, Any] = {
        "retrain_pipeline": str(spec.get("retrain_pipeline") or ""),  # the pipeline's suffix: <project>-<suffix>
        "retrain_data_prefix": RETRAIN_DATA_PREFIX,
        "retrain_debounce_seconds": RETRAIN_DEBOUNCE_SECONDS,
        "retrain_debounce_code": "",
    }
    if spec.get("retrain_pipeline"):
        context["retrain_debounce_code"] = RETRAIN_DEBOUNCE_SOURCE.read_text(encoding="utf-8").rstrip()
    return context


# --- end issue 17 item 2 -------------------------------------------------------------------------------------------


def render_all(root: Path = TEMPLATES_DIR) -> dict[str, str]:
    """``{relative output path: text}`` for every template kind."""
    source = root / "src"
    kinds = yaml.safe_load((source / "kinds.yaml").read_text(encoding="utf-8"))
    template = _environment(source).get_template("project.yaml.j2")
    outputs: dict[str, str] = {}
    for kind in TemplateKind:
        text = template.render(**kind_context(kind, kinds[kind.value]))
        outputs[f"rendered/{kind.value}.yaml"] = text.rstrip() + "\n"
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the SageMaker project templates.")
    parser.add_argument("--root", type=Path, default=TEMPLATES_DIR, help="project-templates directory")
    parser.add_argument("--check", action="store_true", help="Fail if a rendered file is out of date.")
    args = parser.parse_args(argv)
    stale = []
    outputs = render_all(args.root)
    for relative, text in list(outputs.items()):
        if not args.check:  # the launch role's permissions follow the templates just written
            path = args.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    outputs[LAUNCH_PERMISSIONS] = launch_permissions.render(args.root / relative for relative in outputs)
    for relative, text in outputs.items():
        path = args.root / relative
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(relative)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)
    if stale:
        print(f"error: out of date: {', '.join(stale)}; run `python -m platform_cli.project_templates.render`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
