"""Benchmark: each template's `make run-local` on this machine (target: under 60 s for the classic templates).

Run as ``python -m platform_cli.local.template_bench``. Uses the cached template environments, so the figure is
the pipeline's local run, not the install.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from platform_cli.local import template_venvs

TEMPLATES = template_venvs.ROOT / "template-repos"
CLASSIC_TARGET_SECONDS = 60.0
LLM = "llm-fine-tuning"


def run_local(template: Path, scratch: Path) -> float:
    copy = scratch / template.name
    shutil.copytree(template, copy, ignore=shutil.ignore_patterns(".venv", "build", "__pycache__"))
    venv = template_venvs.venv_for(template)
    started = time.perf_counter()
    subprocess.run(["make", "-s", "run-local", f"VENV={venv}"], cwd=copy, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="template-bench-") as tmp:
        for template in sorted(path for path in TEMPLATES.iterdir() if (path / "Makefile").is_file()):
            seconds = run_local(template, Path(tmp))
            target = "" if template.name == LLM else f" (target < {CLASSIC_TARGET_SECONDS:.0f} s)"
            print(f"template {template.name:<24} make run-local {seconds:6.1f} s{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
