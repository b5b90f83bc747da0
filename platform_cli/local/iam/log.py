"""The decision log: one JSON line per evaluated request, appended to a file the CLI reads
(``mlops local decisions``). The file is named by ``MLOPS_LOCAL_IAM_LOG``; unset, decisions are kept in memory only."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from platform_cli.local.iam.evaluator import Decision

LOG_VARIABLE = "MLOPS_LOCAL_IAM_LOG"
_lock = threading.Lock()
_recent: deque[dict[str, Any]] = deque(maxlen=10_000)


def entry(decision: Decision, *, enforced: bool, seconds: float = 0.0) -> dict[str, Any]:
    request = decision.request
    return {
        "time": round(time.time(), 3),
        "principal": request.principal.arn,
        "action": request.action,
        "resource": request.resource,
        "allowed": decision.allowed,
        "enforced": enforced,
        "reason": decision.reason.value,
        "message": decision.message(),
        "eval_ms": round(seconds * 1000, 3),  # time the evaluation took (the bench sums it)
    }


def record(decision: Decision, *, enforced: bool, seconds: float = 0.0) -> dict[str, Any]:
    """Keep one decision (in memory, and in the log file when one is named)."""
    line = entry(decision, enforced=enforced, seconds=seconds)
    with _lock:
        _recent.append(line)
        path = os.environ.get(LOG_VARIABLE)
        if path:
            with Path(path).open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
    return line


def recent() -> list[dict[str, Any]]:
    with _lock:
        return list(_recent)


def read(path: Path) -> Iterator[dict[str, Any]]:
    """The decisions a server wrote to ``path``, oldest first."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def select(
    decisions: list[dict[str, Any]], *, last: int, principal: str | None = None, denied_only: bool = False
) -> list[dict[str, Any]]:
    """The last ``last`` decisions, optionally of one principal (substring of its ARN) and/or denials only."""
    kept = [
        d
        for d in decisions
        if (principal is None or principal in d["principal"]) and (not denied_only or not d["allowed"])
    ]
    return kept[-last:] if last > 0 else []
