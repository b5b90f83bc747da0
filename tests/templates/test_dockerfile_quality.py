"""Template images: every template Dockerfile passes hadolint (the dev extra's binary), which does fail a bad one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.templates.conftest import PRESENT, TEMPLATE_ROOT

HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKERFILES = [
    TEMPLATE_ROOT / name / "Dockerfile" for name in PRESENT if (TEMPLATE_ROOT / name / "Dockerfile").exists()
]


def _hadolint(dockerfile: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--config", str(config), str(dockerfile)], capture_output=True, text=True, timeout=60
    )


def test_the_container_template_has_a_dockerfile() -> None:
    assert TEMPLATE_ROOT / "container-build" / "Dockerfile" in DOCKERFILES


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.parent.name)
def test_template_dockerfiles_pass_hadolint(dockerfile: Path) -> None:
    result = _hadolint(dockerfile, dockerfile.parent / ".hadolint.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_dockerfile_that_installs_unpinned_packages(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\n")
    result = _hadolint(bad, TEMPLATE_ROOT / "container-build" / ".hadolint.yaml")
    assert result.returncode != 0
    assert "DL3008" in result.stdout  # apt-get install without pinned versions
