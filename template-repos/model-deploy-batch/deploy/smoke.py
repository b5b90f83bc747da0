"""Smoke test of a transform job's output: one probability in [0, 1] per input row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SmokeResult:
    passed: bool
    rows: int
    scores: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "rows": self.rows, "scores": self.scores, "failures": self.failures}


def payload_rows(payload: bytes) -> int:
    return sum(1 for line in payload.decode().splitlines() if line.strip())


def check(output: bytes | None, rows: int) -> SmokeResult:
    result = SmokeResult(passed=False, rows=rows)
    if rows == 0:
        result.failures.append("the smoke payload has no rows")
        return result
    if output is None:
        result.failures.append("the transform job wrote no output")
        return result
    lines = [line.strip().strip("[]") for line in output.decode().splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            score = float(line)
        except ValueError:
            result.failures.append(f"output line {number} is not a number: {line[:60]!r}")
            continue
        result.scores.append(score)
        if not 0.0 <= score <= 1.0:
            result.failures.append(f"output line {number}: {score} is not a probability in [0, 1]")
    if len(lines) != rows:
        result.failures.append(f"expected {rows} output lines, got {len(lines)}")
    result.passed = not result.failures
    return result
