"""Fault and load injection: latency, GitHub's primary and secondary rate limits, 5xx, dropped connections.

A ``Faults`` value is the whole configuration; the server swaps it atomically (per test, per run, or at runtime
through the admin API). Randomness comes from one seeded generator so a run with the same seed and the same
request sequence fails the same way.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from platform_cli.local.forge.exceptions import ForgeAdminError

# GitHub's documented budgets: 5000 requests an hour for a user token, 60 for anonymous callers, and no more
# than 80 content-creating requests a minute (secondary limit).
PRIMARY_LIMIT = 5000
ANONYMOUS_LIMIT = 60
SECONDARY_PER_MINUTE = 80


@dataclass(frozen=True)
class Faults:
    """What to inject. The default injects nothing and applies GitHub's real rate limits."""

    latency_ms: float = 0.0  # fixed delay added to every REST call
    jitter_ms: float = 0.0  # plus a uniform random delay in [0, jitter_ms]
    error_rate: float = 0.0  # probability of answering a REST call with ``error_status``
    error_status: int = 502
    drop_rate: float = 0.0  # probability of closing the connection without an answer
    seed: int | None = None
    primary_limit: int = PRIMARY_LIMIT  # requests per hour per user (X-RateLimit-Limit)
    primary_window_s: int = 3600
    secondary_per_minute: int | None = SECONDARY_PER_MINUTE  # None disables the secondary limit
    secondary_status: int = 403  # GitHub answers 403 or 429
    secondary_retry_after_s: int = 60
    generation_delay_s: float = 0.0  # a generated repo's default branch appears after this delay
    paths: tuple[str, ...] = field(default=())  # when set, latency/errors/drops hit only paths with these prefixes
    # Errors hit writes only, AFTER the write is done (the answer is lost: a retry finds the write already made).
    errors_after_write: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["paths"] = list(self.paths)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Faults:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ForgeAdminError(f"unknown fault setting(s) {unknown}; known: {sorted(known)}")
        values = dict(data)
        if "paths" in values:
            values["paths"] = tuple(values["paths"])
        return cls(**values)


@dataclass
class Decision:
    """What the injector decided for one call."""

    delay_s: float = 0.0
    drop: bool = False
    error_status: int | None = None


class Injector:
    """Holds the current ``Faults`` and a seeded generator; thread-safe."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self.faults = faults or Faults()
        self._rng = random.Random(self.faults.seed)  # noqa: S311 - fault injection, not cryptography

    def set(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)  # noqa: S311

    def decide(self, path: str) -> Decision:
        faults = self.faults
        if faults.paths and not any(path.startswith(p) for p in faults.paths):
            return Decision()
        with self._lock:
            delay = faults.latency_ms / 1000.0
            if faults.jitter_ms:
                delay += self._rng.uniform(0, faults.jitter_ms) / 1000.0
            drop = bool(faults.drop_rate) and self._rng.random() < faults.drop_rate
            error = bool(faults.error_rate) and not drop and self._rng.random() < faults.error_rate
        return Decision(delay_s=delay, drop=drop, error_status=faults.error_status if error else None)


class RateLimiter:
    """Per-identity budgets for the primary limit (an hour window) and content-creating calls a minute."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._primary: dict[str, tuple[int, float]] = {}  # identity -> (used, reset epoch)
        self._writes: dict[str, list[float]] = {}  # identity -> timestamps of recent content-creating calls

    def peek(self, identity: str, limit: int, window_s: int) -> tuple[int, int, int]:
        """(limit, used, reset) without spending anything."""
        with self._lock:
            used, reset = self._current(identity, window_s)
            return limit, used, int(reset)

    def spend(self, identity: str, limit: int, window_s: int) -> tuple[bool, int, int]:
        """Spend one request; (allowed, used, reset). A refused request does not count."""
        with self._lock:
            used, reset = self._current(identity, window_s)
            if used >= limit:
                return False, used, int(reset)
            self._primary[identity] = (used + 1, reset)
            return True, used + 1, int(reset)

    def refund(self, identity: str, window_s: int) -> None:
        """Give back one spent request (a conditional request answered 304)."""
        with self._lock:
            used, reset = self._current(identity, window_s)
            self._primary[identity] = (max(0, used - 1), reset)

    def _current(self, identity: str, window_s: int) -> tuple[int, float]:
        now = time.time()
        used, reset = self._primary.get(identity, (0, now + window_s))
        if now >= reset:
            used, reset = 0, now + window_s
        self._primary[identity] = (used, reset)
        return used, reset

    def write(self, identity: str, per_minute: int) -> bool:
        """Record a content-creating call; False when it exceeds ``per_minute`` in the last 60 s."""
        with self._lock:
            now = time.monotonic()
            recent = [t for t in self._writes.get(identity, []) if now - t < 60.0]
            if len(recent) >= per_minute:
                self._writes[identity] = recent
                return False
            recent.append(now)
            self._writes[identity] = recent
            return True

    def reset(self) -> None:
        with self._lock:
            self._primary.clear()
            self._writes.clear()
