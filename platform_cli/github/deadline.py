"""A deadline every wait respects: the Lambda's remaining time minus a margin, or a CLI budget."""

from __future__ import annotations

import time
from collections.abc import Callable

from platform_cli.github.exceptions import DeadlineExceededError

# Told of every wait before it starts: what is awaited, and for how many seconds (the CLI prints a progress line).
WaitListener = Callable[[str, float], None]


class Deadline:
    """A point in (monotonic) time after which no wait may start.

    ``on_wait`` (settable after construction: the Lambda handler makes the deadline, the CLI that drives it
    listens) hears of every ``sleep`` before it starts."""

    def __init__(
        self, seconds: float, clock: Callable[[], float] = time.monotonic, on_wait: WaitListener | None = None
    ) -> None:
        self._clock = clock
        self._at = clock() + seconds
        self._cancelled: str | None = None
        self.on_wait = on_wait

    def cancel(self, why: str) -> None:
        """Stop all further work now (e.g. CloudFormation was already answered): every later check fails."""
        self._cancelled = why

    @classmethod
    def from_lambda_context(cls, context: object, margin_seconds: float) -> Deadline:
        """``context.get_remaining_time_in_millis()`` minus ``margin_seconds`` (kept for answering CloudFormation)."""
        get_remaining = getattr(context, "get_remaining_time_in_millis", None)
        remaining = get_remaining() / 1000.0 if callable(get_remaining) else 900.0
        return cls(max(remaining - margin_seconds, 0.0))

    def remaining(self) -> float:
        if self._cancelled is not None:
            return 0.0
        return max(self._at - self._clock(), 0.0)

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def allows(self, wait_seconds: float) -> bool:
        """Whether a wait of ``wait_seconds`` ends before the deadline."""
        return wait_seconds < self.remaining()

    def check(self, doing: str) -> None:
        if self._cancelled is not None:
            raise DeadlineExceededError(f"stopped while {doing}: {self._cancelled}")
        if self.expired():
            raise DeadlineExceededError(f"ran out of time while {doing}; retry later (the work done so far is kept)")

    def sleep(self, seconds: float, doing: str) -> None:
        """Sleep ``seconds`` if that ends before the deadline; otherwise raise at once (never a hang)."""
        if not self.allows(seconds):
            raise DeadlineExceededError(
                f"ran out of time while {doing} (a {seconds:.0f}s wait would pass the deadline); retry later"
            )
        if self.on_wait is not None:
            self.on_wait(doing, seconds)
        time.sleep(max(seconds, 0.0))
