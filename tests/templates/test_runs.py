"""Every template's own `make test` and `make run-local`, in the template's virtual environment (heavy).

Select with `-m templates`, skip with `-m "not templates"`. Environments are created once per requirements hash
under .venv-templates/ and reused (platform_cli/local/template_venvs.py); the missing ones are created in
parallel. The make runs go two at a time (the machine has two cores); each test then checks the outcome of its
own run. The classic templates' local run must take under 60 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from platform_cli.local import template_venvs as venvs
from tests.templates.conftest import IMAGE_TEMPLATES, PRESENT, TEMPLATE_ROOT

# Heavy: the module fixture creates the environments and runs everything (minutes on a fresh machine).
pytestmark = [pytest.mark.templates, pytest.mark.timeout(1800)]
PARALLEL_RUNS = 2


@dataclass(frozen=True)
class Run:
    template: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def tail(self) -> str:
        return self.stdout[-4000:] + self.stderr[-4000:]


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


def _environments() -> dict[str, Path]:
    """Every template's environment (one per distinct requirements), the missing ones created in parallel."""
    by_digest = {venvs.requirements_digest(TEMPLATE_ROOT / name): name for name in PRESENT}
    with ThreadPoolExecutor(max_workers=len(by_digest)) as pool:
        created = pool.map(lambda digest: venvs.venv_for(TEMPLATE_ROOT / by_digest[digest]), by_digest)
        built = dict(zip(by_digest, created, strict=True))
    return {name: built[venvs.requirements_digest(TEMPLATE_ROOT / name)] for name in PRESENT}


def _copy(name: str, workdir: Path) -> Path:
    """A clean copy of the template, as a data scientist's new repo would be (no build outputs)."""
    target = workdir / name
    ignore = shutil.ignore_patterns(".venv", "build", "__pycache__", ".pytest_cache")
    shutil.copytree(TEMPLATE_ROOT / name, target, ignore=ignore)
    return target


def _make(template: Path, target: str, venv: Path, *extra: str) -> Run:
    (venv / ".installed").touch()  # the template Makefile's stamp: the cached environment is complete
    started = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(template), target, f"VENV={venv}", *extra],
        capture_output=True,
        text=True,
        env=_hermetic_env(venv),
        timeout=900,
    )
    return Run(template, result.returncode, result.stdout, result.stderr, time.perf_counter() - started)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    """(template, target) -> outcome of `make <target>` in a clean copy of the template."""
    environments = _environments()
    workdir = tmp_path_factory.mktemp("template-runs")
    copies = {name: _copy(name, workdir) for name in PRESENT}
    jobs = [(name, target) for name in PRESENT for target in ("test", "run-local")]

    def run(job: tuple[str, str]) -> Run:
        name, target = job
        extra = ("PYTEST_ARGS=-q -p no:cacheprovider",) if target == "test" else ()
        return _make(copies[name], target, environments[name], *extra)

    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        return dict(zip(jobs, pool.map(run, jobs), strict=True))


@pytest.mark.parametrize("name", PRESENT)
def test_the_templates_own_tests_pass(name: str, runs: dict[tuple[str, str], Run]) -> None:
    run = runs[name, "test"]
    assert run.returncode == 0, run.tail()
    assert " passed" in run.stdout
    assert " failed" not in run.stdout
    print(f"{name}: make test {run.seconds:.1f} s")


@pytest.mark.parametrize("name", [name for name in PRESENT if name not in IMAGE_TEMPLATES])
def test_the_local_run_writes_a_report(name: str, runs: dict[tuple[str, str], Run]) -> None:
    run = runs[name, "run-local"]
    assert run.returncode == 0, run.tail()
    report = run.template / "build" / "local" / "report"
    assert json.loads((report / "metrics.json").read_text())
    pngs = list(report.glob("*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    print(f"{name}: make run-local {run.seconds:.1f} s")  # the 60 s target is checked by `make bench`


@pytest.mark.parametrize("name", IMAGE_TEMPLATES)
def test_the_image_templates_local_run_finds_the_container_contract_holding(
    name: str, runs: dict[tuple[str, str], Run]
) -> None:
    """container-build's `make run-local`: train and serve as processes against a temporary /opt/ml."""
    run = runs[name, "run-local"]
    assert run.returncode == 0, run.tail()
    report = json.loads((run.template / "build" / "local" / "report" / "metrics.json").read_text())
    assert report["contract_holds"] is True
    assert report["failed_train_writes_the_failure_file"] is True
    print(f"{name}: make run-local {run.seconds:.1f} s")
