"""Smoke test of an LLM endpoint: each prompt must get a JSON answer with non-empty generated text in time."""

from __future__ import annotations

import json
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
            EndpointName=endpoint, ContentType=content_type, Accept="application/json", Body=body
        )
        data: bytes = response["Body"].read()
        return data

    return invoke


def generated_text(answer: bytes) -> str:
    """The text of `[{"generated_text": ...}]` (or a bare object); ValueError when the answer has none."""
    parsed = json.loads(answer)
    first = parsed[0] if isinstance(parsed, list) and parsed else parsed
    if not isinstance(first, dict) or not isinstance(first.get("generated_text"), str):
        raise ValueError("no generated_text in the answer")
    return str(first["generated_text"])


def run(invoke: Invoke, payload: bytes, content_type: str, max_latency_ms: float) -> SmokeResult:
    prompts = [line for line in payload.decode().splitlines() if line.strip()]
    result = SmokeResult(passed=True, rows=len(prompts))
    for number, prompt in enumerate(prompts, start=1):
        started = time.perf_counter()
        try:
            answer = invoke(prompt.encode(), content_type)
        except Exception as exc:  # noqa: BLE001 - any failure to answer fails the smoke test, with its reason
            result.failures.append(f"prompt {number}: the endpoint did not answer ({type(exc).__name__}: {exc})")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        result.latencies_ms.append(round(elapsed, 3))
        try:
            text = generated_text(answer)
        except ValueError as exc:
            result.failures.append(f"prompt {number}: {exc}: {answer[:80]!r}")
            continue
        if not text.strip():
            result.failures.append(f"prompt {number}: the generated text is empty")
        if elapsed > max_latency_ms:
            result.failures.append(f"prompt {number}: answered in {elapsed:.0f} ms (limit {max_latency_ms:.0f} ms)")
    if result.rows == 0:
        result.failures.append("the smoke payload has no prompts")
    result.passed = not result.failures
    return result
