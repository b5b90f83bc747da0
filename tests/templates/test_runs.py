"""Every template's own `make test` and `make run-local`, in the template's virtual environment (heavy).

Select with `-m templates`, skip with `-m "not templates"`. Environments are created once per requirements hash
under .venv-templates/ and reused (see platform_cli/local/template_venvs.py). The classic templates' local run
must take under 60 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from platform_cli.local import template_venvs as venvs
from tests.templates.conftest import CLASSIC, PRESENT, TEMPLATE_ROOT

pytestmark = pytest.mark.templates
LOCAL_RUN_BUDGET_SECONDS = 60.0


def _hermetic_env(venv: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "GITHUB_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="eu-west-1",
        AWS_EC2_METADATA_DISABLED="true",
        SAGEMAKER_SUPPRESS_V2_WARNING="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        MPLBACKEND="Agg",
        VIRTUAL_ENV=str(venv),
    )
    env.pop("PYTHONPATH", None)
    return env


def _make(template: Path, target: str, venv: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (venv / ".installed").touch()  # the template Makefile's stamp: the cached environment is complete
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(template), target, f"VENV={venv}", *extra],
        capture_output=True,
        text=True,
        env=_hermetic_env(venv),
        timeout=600,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("template-runs")


def _copy(name: str, workdir: Path) -> Path:
    """A clean copy of the template, as a data scientist's new repo would be (no build outputs)."""
    target = workdir / name
    if not target.exists():
        shutil.copytree(
            TEMPLATE_ROOT / name,
            target,
            ignore=shutil.ignore_patterns(".venv", "build", "__pycache__", ".pytest_cache"),
        )
    return target


@pytest.mark.parametrize("name", PRESENT)
def test_the_templates_own_tests_pass(name: str, workdir: Path) -> None:
    venv = venvs.venv_for(TEMPLATE_ROOT / name)
    result = _make(_copy(name, workdir), "test", venv, "PYTEST_ARGS=-q -p no:cacheprovider")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout
    assert " failed" not in result.stdout


@pytest.mark.parametrize("name", PRESENT)
def test_the_local_run_writes_a_report(name: str, workdir: Path) -> None:
    venv = venvs.venv_for(TEMPLATE_ROOT / name)
    template = _copy(name, workdir)
    started = time.perf_counter()
    result = _make(template, "run-local", venv)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = template / "build" / "local" / "report"
    metrics = json.loads((report / "metrics.json").read_text())
    assert metrics
    pngs = list(report.glob("*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    print(f"{name}: make run-local {elapsed:.1f} s")
    if name in CLASSIC:
        assert elapsed < LOCAL_RUN_BUDGET_SECONDS, f"{name}: make run-local took {elapsed:.1f} s"
