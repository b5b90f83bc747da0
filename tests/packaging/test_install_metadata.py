"""`pip install mlops-platform` (and `make venv`'s editable install) build the package's metadata with setuptools;
that build prints no deprecation warning and declares the licence as an SPDX expression with its file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A wheel built from a copy of the sources (the checkout stays clean) by the build backend pip runs, offline:
    the venv's own setuptools (``.[dev]`` holds the floor build-system asks for) with the ``packaging`` it vendors
    (pip's isolated build gets a current one; this venv keeps checkov's older pin)."""
    import setuptools

    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "platform_cli", source / "platform_cli", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    vendored = Path(setuptools.__file__).parent / "_vendor"
    done = subprocess.run(
        [sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_wheel({str(out)!r})"],
        cwd=source,
        env={**os.environ, "PYTHONPATH": str(vendored)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    wheels = list(out.glob("mlops_platform-*.whl"))
    assert len(wheels) == 1
    return wheels[0], done.stdout + done.stderr


def test_building_the_package_prints_no_deprecation_warning(built_wheel: tuple[Path, str]) -> None:
    _, output = built_wheel
    assert "deprecat" not in output.lower(), output[-3000:]


def test_the_wheel_declares_its_licence_as_an_spdx_expression_with_the_licence_file(
    built_wheel: tuple[Path, str],
) -> None:
    wheel, _ = built_wheel
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode()
        names = archive.namelist()
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_the_build_system_asks_for_a_setuptools_that_understands_spdx_licences() -> None:
    import tomllib

    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert "setuptools>=77" in pyproject["build-system"]["requires"]
    assert any(dep.startswith("setuptools>=77") for dep in pyproject["project"]["optional-dependencies"]["dev"])
