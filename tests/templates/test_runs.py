"""Every template's own `make test` and `make run-local`, in the template's virtual environment (heavy).

Select with `-m templates`, skip with `-m "not templates"`. Environments are created once per requirements hash
under .venv-templates/ and reused (see venvs.py). The classic templates' local run must take under 60 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.templates import venvs
from tests.templates.conftest import CLASSIC, PRESENT, TEMPLATE_ROOT

# Heavy: the first test also creates the environments (minutes on a fresh machine).
pytestmark = [pytest.mark.templates, pytest.mark.timeout(1800)]
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


def _label(name: str) -> str:
    return "classic" if name in CLASSIC else name


@pytest.fixture(scope="module")
def environments() -> dict[str, Path]:
    """Every template's environment, the missing ones created in parallel (pip mostly waits on I/O)."""
    labels = {name: _label(name) for name in PRESENT}
    one_per_label = {label: name for name, label in labels.items()}
    with ThreadPoolExecutor(max_workers=len(one_per_label)) as pool:
        built = dict(
            zip(
                one_per_label,
                pool.map(lambda label: venvs.venv_for(TEMPLATE_ROOT / one_per_label[label], label), one_per_label),
                strict=True,
            )
        )
    return {name: built[label] for name, label in labels.items()}


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
def test_the_templates_own_tests_pass(name: str, workdir: Path, environments: dict[str, Path]) -> None:
    venv = environments[name]
    result = _make(_copy(name, workdir), "test", venv, "PYTEST_ARGS=-q -p no:cacheprovider")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout
    assert " failed" not in result.stdout


@pytest.mark.parametrize("name", PRESENT)
def test_the_local_run_writes_a_report(name: str, workdir: Path, environments: dict[str, Path]) -> None:
    venv = environments[name]
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
