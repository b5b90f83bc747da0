"""The main-branch workflow's gate on ECR's scan-on-push findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools import scan_gate
from tools.contract_check import REPO_ROOT

FAIL_ON = ("CRITICAL", "HIGH")


def findings(status: str = "COMPLETE", **counts: int) -> dict[str, object]:
    return {"imageScanStatus": {"status": status}, "imageScanFindings": {"findingSeverityCounts": counts}}


def test_a_high_finding_fails_the_gate() -> None:
    passes, reason = scan_gate.verdict(findings(HIGH=2, LOW=5), FAIL_ON)
    assert not passes
    assert "2 HIGH" in reason


def test_only_low_and_medium_findings_pass_the_gate() -> None:
    assert scan_gate.verdict(findings(MEDIUM=3, LOW=1), FAIL_ON)[0]


def test_a_scan_that_did_not_complete_fails_the_gate() -> None:
    passes, reason = scan_gate.verdict(findings(status="FAILED"), FAIL_ON)
    assert not passes
    assert "FAILED" in reason


def test_the_gate_reads_the_aws_cli_output_on_stdin_and_exits_non_zero_on_findings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.scan_gate"],
        input=json.dumps(findings(CRITICAL=1)),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "1 CRITICAL" in result.stderr
