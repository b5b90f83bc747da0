"""The quality gates of base-infrastructure/terraform, run as tests: fmt, validate, checkov, terraform test."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pytest

from tests.base_infrastructure.harness import TERRAFORM_SRC
from tests.base_infrastructure.terraform_tree import MODULES, SUITES, TerraformTree


@pytest.fixture(scope="module")
def tree(terraform_tree: TerraformTree) -> TerraformTree:
    return terraform_tree


@pytest.fixture(scope="module")
def test_runs(
    terraform_test_runs: Future[dict[str, subprocess.CompletedProcess[str]]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """`terraform init` + `terraform test` of the root and every module (started in the background, see conftest)."""
    return terraform_test_runs.result(timeout=1200)


def test_terraform_files_are_formatted() -> None:
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", str(TERRAFORM_SRC)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"run `terraform fmt -recursive base-infrastructure/terraform`:\n{result.stdout}"


def test_the_root_configuration_is_valid(tree: TerraformTree, test_runs: dict[str, object]) -> None:
    result = tree.run("validate", "-no-color")
    assert result.returncode == 0, result.stderr
    assert "Success! The configuration is valid." in result.stdout


@pytest.mark.parametrize("suite", SUITES)
def test_terraform_test_suite_passes(suite: str, test_runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = test_runs[suite]
    assert result.returncode == 0, f"{suite}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "0 failed" in result.stdout
    assert " passed" in result.stdout and "Success!" in result.stdout


def test_every_module_has_a_terraform_test_suite() -> None:
    for module in MODULES:
        suites = list((TERRAFORM_SRC / "modules" / module / "tests").glob("*.tftest.hcl"))
        assert suites, f"modules/{module} has no tests/*.tftest.hcl"


def test_checkov_reports_zero_failed_checks_and_only_justified_skips(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "checkov"),
            "--directory",
            str(TERRAFORM_SRC),
            "--framework",
            "terraform",
            "--output",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=300,
    )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [c for r in reports for c in r["results"]["failed_checks"]]
    skipped = [c for r in reports for c in r["results"]["skipped_checks"]]
    passed = [c for r in reports for c in r["results"]["passed_checks"]]
    assert not failed, [f"{c['check_id']} {c['resource']} {c['file_path']}" for c in failed]
    assert len(passed) > 150
    # An inline skip must say why: `#checkov:skip=CKV_...:<reason>`.
    assert all(len(c["check_result"].get("suppress_comment", "").strip()) >= 20 for c in skipped), skipped
