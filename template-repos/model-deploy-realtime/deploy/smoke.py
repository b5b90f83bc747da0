"""Smoke test: send the payload, expect one probability in [0, 1] per row, each answer within the latency limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Invoke = Callable[[bytes, str], bytes]


@dataclass
class SmokeResult:
    passed: bool
    rows: int
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "rows": self.rows, "latencies_ms": self.latencies_ms, "failures": self.failures}


def endpoint_invoker(runtime: Any, endpoint: str) -> Invoke:
    def invoke(body: bytes, content_type: str) -> bytes:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint, ContentType=content_type, Accept="text/csv", Body=body
        )
        data: bytes = response["Body"].read()
        return data

    return invoke


def parse_scores(answer: bytes) -> list[float]:
    text = answer.decode().replace("[", " ").replace("]", " ").replace(",", "\n")
    return [float(token) for token in text.split()]


def run(invoke: Invoke, payload: bytes, content_type: str, max_latency_ms: float) -> SmokeResult:
    """One request per payload row, so a slow or wrong answer is pinned to its row."""
    rows = [line for line in payload.decode().splitlines() if line.strip()]
    result = SmokeResult(passed=True, rows=len(rows))
    for number, row in enumerate(rows, start=1):
        started = time.perf_counter()
        try:
            answer = invoke((row + "\n").encode(), content_type)
        except Exception as exc:  # noqa: BLE001 - any failure to answer fails the smoke test, with its reason
            result.failures.append(f"row {number}: the endpoint did not answer ({type(exc).__name__}: {exc})")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        result.latencies_ms.append(round(elapsed, 3))
        try:
            scores = parse_scores(answer)
        except ValueError:
            result.failures.append(f"row {number}: answer is not numeric: {answer[:80]!r}")
            continue
        if len(scores) != 1 or not 0.0 <= scores[0] <= 1.0:
            result.failures.append(f"row {number}: expected one probability in [0, 1], got {scores[:5]}")
        if elapsed > max_latency_ms:
            result.failures.append(f"row {number}: answered in {elapsed:.0f} ms (limit {max_latency_ms:.0f} ms)")
    result.passed = not result.failures and result.rows > 0
    if result.rows == 0:
        result.failures.append("the smoke payload has no rows")
    return result
