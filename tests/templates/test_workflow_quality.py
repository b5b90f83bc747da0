"""Template workflows: valid against GitHub's schema, zizmor-clean, pinned, least privilege, serialised."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.templates import workflows
from tests.templates.conftest import PRESENT, TEMPLATE_ROOT

BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
ALL_WORKFLOWS = [path for name in PRESENT for path in workflows.workflow_files(TEMPLATE_ROOT / name)]
IDS = [f"{path.parents[2].name}/{path.name}" for path in ALL_WORKFLOWS]


def test_every_template_has_workflows() -> None:
    assert {path.parents[2].name for path in ALL_WORKFLOWS} == set(PRESENT)


def test_workflows_are_valid_against_githubs_schema() -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, ALL_WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_reports_no_findings() -> None:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain", *map(str, ALL_WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=IDS)
def test_actions_are_pinned_by_full_commit_sha(path: Path) -> None:
    for job in workflows.load(path)["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a commit SHA"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=IDS)
def test_checkout_never_persists_credentials(path: Path) -> None:
    for job in workflows.load(path)["jobs"].values():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=IDS)
def test_permissions_default_to_none_and_jobs_ask_for_least(path: Path) -> None:
    workflow = workflows.load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assert set(permissions.values()) <= {"read", "write", "none"}
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert writes <= {"id-token"}, f"{path.name} job {name} writes {writes}"
        if "id-token" in writes:
            assert job.get("environment"), f"{path.name} job {name} assumes an AWS role outside an environment"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=IDS)
def test_runs_are_serialised_by_a_concurrency_group(path: Path) -> None:
    assert workflows.load(path)["concurrency"]["group"]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=IDS)
def test_aws_is_reached_with_oidc_only(path: Path) -> None:
    text = path.read_text()
    assert "aws-access-key-id" not in text
    assert "aws-secret-access-key" not in text
