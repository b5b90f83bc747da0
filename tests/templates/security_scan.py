"""Read and run a template repo's security scan (.github/workflows/security.yml) as GitHub Actions would.

The tests run the workflow's own `run:` scripts (not a copy of their flags), so what is tested cannot drift from what
runs on pull requests: a step is found by the tool it invokes, and run with bash as GitHub's `shell: bash` does.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tests.templates import workflows
from tests.templates.conftest import TEMPLATE_ROOT

WORKFLOW = Path(".github/workflows/security.yml")
CHECKOV_CONFIG = Path(".checkov.yaml")
BIN = Path(sys.executable).parent
# GitHub's `shell: bash`: `bash --noprofile --norc -eo pipefail {0}`.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
# The scanners, as PyPI names them and as their command is called.
TOOLS = {"checkov": "checkov", "pip-audit": "pip-audit", "zizmor": "zizmor"}
# Folders that are not the repository's content (local virtual environments, build output, git's own).
NOT_CONTENT = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
PIP_INSTALL = re.compile(r"python -m pip install (?P<package>[A-Za-z0-9._-]+)==(?P<version>[A-Za-z0-9.]+)\s*$")


def template_dirs() -> list[str]:
    """Every template repo in template-repos/ (not only the six of the brief: a new one is held to the same scan)."""
    return sorted(path.name for path in TEMPLATE_ROOT.iterdir() if path.is_dir())


def load(template: Path) -> dict[str, Any]:
    return workflows.load(template / WORKFLOW)


def steps(template: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_name, job in load(template)["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def invokes(script: str, command: str) -> bool:
    """Whether a `run:` script calls ``command`` as a command (first word of a line), not merely names it."""
    return any(line.strip().split(" ", 1)[0] == command for line in script.splitlines())


def scan_step(template: Path, tool: str) -> tuple[str, dict[str, Any]]:
    """The (job, step) whose script runs ``tool``; exactly one must."""
    found = [(job, step) for job, step in steps(template) if invokes(step.get("run", ""), TOOLS[tool])]
    assert len(found) == 1, f"{template.name}/{WORKFLOW}: expected one step running {tool}, found {len(found)}"
    return found[0]


def pinned_versions(template: Path, job: str) -> dict[str, str]:
    """``{package: version}`` of every `python -m pip install package==version` in a job."""
    pins = {}
    for step in load(template)["jobs"][job].get("steps", []):
        for line in step.get("run", "").splitlines():
            match = PIP_INSTALL.match(line.strip())
            if match:
                pins[match["package"]] = match["version"]
    return pins


def run_step(
    step: dict[str, Any], cwd: Path, *, path_first: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a step's script with bash in ``cwd``; the tools resolve to this virtualenv's (the pinned versions)."""
    path = os.pathsep.join(str(p) for p in (path_first, BIN) if p is not None) + os.pathsep + os.environ["PATH"]
    return subprocess.run(
        [*BASH, step["run"]],
        cwd=cwd,
        env={**os.environ, "PATH": path, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def content_files(template: Path, pattern: str) -> list[Path]:
    """Files of the repository's own content matching ``pattern`` (relative paths, sorted)."""
    return sorted(
        path.relative_to(template)
        for path in template.rglob(pattern)
        if path.is_file() and not NOT_CONTENT & set(path.relative_to(template).parts)
    )


def recording_tool(folder: Path, name: str, record: Path) -> Path:
    """An executable ``name`` that writes its arguments, one a line, to ``record`` and succeeds."""
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {shlex.quote(str(record))}\n')
    tool.chmod(0o755)
    return folder
