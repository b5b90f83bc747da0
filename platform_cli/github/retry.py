"""Retry policy: PyGithub's ``GithubRetry`` (5xx, dropped connections, secondary rate limits honouring
``Retry-After``) with a deadline guard, so no retry sleep runs past the caller's deadline.

With a shared ``WriteBudget``, a secondary-limit answer stops every writer of the credential for its
``Retry-After``, and a retried write spends budget like a first attempt (a retry is one more request to GitHub)."""

from __future__ import annotations

import time
from typing import Any

from github.GithubRetry import GithubRetry

from platform_cli.github.budget import WriteBudget, is_write
from platform_cli.github.deadline import Deadline
from platform_cli.github.exceptions import DeadlineExceededError


class DeadlineRetry(GithubRetry):
    """``GithubRetry`` that refuses to sleep past ``deadline`` and caps any single wait at ``max_wait``."""

    def __init__(
        self,
        deadline: Deadline | None = None,
        max_wait: float = 60.0,
        budget: WriteBudget | None = None,
        **kwargs: Any,
    ) -> None:
        self.deadline = deadline
        self.max_wait = max_wait
        self.budget = budget
        self.method: str | None = None
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> DeadlineRetry:
        kw.update(deadline=self.deadline, max_wait=self.max_wait, budget=self.budget)
        return super().new(**kw)

    def increment(self, method: str | None = None, *args: Any, **kwargs: Any) -> DeadlineRetry:
        """The next retry, remembering the method (a retried write spends budget like a first attempt)."""
        retry = super().increment(method, *args, **kwargs)
        assert isinstance(retry, DeadlineRetry)
        retry.method = method
        return retry

    def _planned_wait(self, response: Any) -> float:
        wait = None
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)
        if not wait:
            wait = self.get_backoff_time()
        return float(wait)

    def sleep(self, response: Any = None) -> None:
        wait = self._planned_wait(response)
        reset = primary_limit_reset(response)
        if reset is not None:
            if self.budget is not None:
                # The hourly request limit holds for the credential: no client sharing the budget may ask again
                # (reads included) before it resets, as GitHub asks.
                self.budget.halt_until(reset)
            if wait > self.max_wait:
                until = time.strftime("%H:%M:%S UTC", time.gmtime(reset))
                raise DeadlineExceededError(
                    f"GitHub's hourly request limit for this credential is used up until {until} "
                    "(X-RateLimit-Reset); retry after that (the work done so far is kept)"
                )
        if wait > self.max_wait:
            raise DeadlineExceededError(
                f"GitHub asked to wait {wait:.0f}s (over the {self.max_wait:.0f}s cap); retry later"
            )
        limited = response is not None and getattr(response, "status", None) in (403, 429)
        if self.budget is not None and limited:
            # A secondary limit holds for the credential: stop every writer sharing the budget, not just us.
            self.budget.block_for(wait)
        if self.budget is not None and self.method is not None and is_write(self.method):
            if not limited and self.deadline is not None:
                self.deadline.sleep(wait, "waiting to retry a GitHub request")
            doing = (
                f"GitHub rate-limited this credential ({response.status} with Retry-After): waiting to retry a write"
                if limited
                else "waiting for GitHub's write budget to retry a write"
            )
            self.budget.acquire(self.deadline, doing)
            return
        if self.deadline is not None:
            status = getattr(response, "status", None)
            cause = f"GitHub answered {status}" if status else "the connection to GitHub failed"
            self.deadline.sleep(wait, f"waiting to retry a GitHub request ({cause})")
            return
        super().sleep(response)


def primary_limit_reset(response: Any) -> float | None:
    """When ``response`` says the credential's hourly request limit is used up (403/429, ``X-RateLimit-Remaining:
    0``, no ``Retry-After``: that is a secondary limit), the epoch second it resets; ``None`` otherwise."""
    if response is None or getattr(response, "status", None) not in (403, 429):
        return None
    headers = getattr(response, "headers", None) or {}
    if headers.get("Retry-After") or headers.get("X-RateLimit-Remaining") != "0":
        return None
    reset = headers.get("X-RateLimit-Reset", "")
    return float(reset) + 1.0 if str(reset).isdigit() else None  # +1: the reset happens somewhere in that second


def retry_policy(
    deadline: Deadline | None = None,
    *,
    total: int = 8,
    connect: int | None = None,
    read: int | None = None,
    backoff_factor: float = 0.5,
    secondary_rate_wait: float = 60.0,
    max_wait: float = 60.0,
    budget: WriteBudget | None = None,
) -> DeadlineRetry:
    """The platform's retry policy (see module doc). ``connect`` bounds the retries of a connection that could not
    be opened, ``read`` those of a request whose answer was lost (dropped, timed out); both default to ``total``."""
    return DeadlineRetry(
        deadline=deadline,
        max_wait=max_wait,
        budget=budget,
        total=total,
        connect=total if connect is None else connect,
        read=total if read is None else read,
        backoff_factor=backoff_factor,
        backoff_max=20.0,
        secondary_rate_wait=secondary_rate_wait,
        raise_on_status=False,
        respect_retry_after_header=True,
        # Every write the platform makes is idempotent (PUT/PATCH set a value; a retried POST that already
        # succeeded answers 409/422 "already exists", which the reconciler treats as done after comparing).
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}),
    )
