"""The Dockerfile: passes hadolint, and runs the entry point the tests run (python -m container)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tools.contract_check import REPO_ROOT

HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKERFILE = REPO_ROOT / "Dockerfile"


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--config", str(REPO_ROOT / ".hadolint.yaml"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_dockerfile_passes_hadolint() -> None:
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_dockerfile_with_an_unpinned_base_image(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install scikit-learn\n")
    result = hadolint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout


def test_the_image_entry_point_is_the_one_the_tests_run() -> None:
    entrypoint = re.search(r"^ENTRYPOINT (.+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert entrypoint and json.loads(entrypoint.group(1)) == ["python", "-m", "container"]


def test_the_image_holds_the_package_and_its_requirements() -> None:
    text = DOCKERFILE.read_text()
    assert "COPY container/ ./container/" in text
    assert "pip install --no-cache-dir -r requirements.txt" in text
    assert "EXPOSE 8080" in text
