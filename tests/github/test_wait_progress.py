"""Every long wait is told before it starts (what is awaited, for how long), so the CLI can show a progress line:
the write budget, a secondary rate limit's Retry-After, and the deadline's sleeps (generation polls, back-offs)."""

from __future__ import annotations

import pytest

from platform_cli.github.budget import MemoryStore, Window, WriteBudget
from platform_cli.github.deadline import Deadline
from platform_cli.github.exceptions import DeadlineExceededError
from tests.fixtures.forge import ForgeEnv, ForgeOrg
from tests.github.test_budget import FakeClock, write_twice_under_a_secondary_limit


def test_a_write_held_by_the_budget_is_told_once_with_its_whole_wait() -> None:
    clock, told = FakeClock(), []
    budget = WriteBudget(
        MemoryStore(), (Window(30.0, 1),), clock=clock, sleep=clock.sleep, on_wait=lambda d, s: told.append((d, s))
    )
    budget.acquire(doing="writing one")
    budget.acquire(doing="writing two")  # waits 30 s in 1 s steps
    assert told == [("writing two", 30.0)]


def test_a_wait_that_grows_while_waiting_is_told_again() -> None:
    clock, told = FakeClock(), []
    budget = WriteBudget(
        MemoryStore(), (Window(10.0, 1),), clock=clock, sleep=clock.sleep, on_wait=lambda d, s: told.append((d, s))
    )
    budget.acquire()
    budget.block_until(clock.now + 40.0)  # a secondary limit answered meanwhile
    budget.acquire(doing="writing")
    assert told == [("writing", 40.0)]
    budget.block_until(clock.now + 5.0)

    def sleep_then_block(seconds: float) -> None:
        clock.sleep(seconds)
        if len(told) == 2:
            budget.block_until(clock.now + 20.0)

    budget._sleep = sleep_then_block
    budget.acquire(doing="writing again")
    assert [d for d, _ in told] == ["writing", "writing again", "writing again"]
    assert told[2][1] == 20.0


def test_a_deadline_sleep_is_told_before_it_starts() -> None:
    told: list[tuple[str, float]] = []
    deadline = Deadline(10.0, on_wait=lambda d, s: told.append((d, s)))
    deadline.sleep(0.0, "waiting for acme/churn-build to be generated")
    assert told == [("waiting for acme/churn-build to be generated", 0.0)]


def test_a_sleep_past_the_deadline_is_refused_without_being_told() -> None:
    told: list[tuple[str, float]] = []
    deadline = Deadline(1.0, on_wait=lambda d, s: told.append((d, s)))
    with pytest.raises(DeadlineExceededError):
        deadline.sleep(5.0, "waiting")
    assert told == []


def test_a_simulated_secondary_rate_limit_is_told_as_a_rate_limit_with_its_retry_after(
    forge: ForgeEnv, forge_org: ForgeOrg
) -> None:
    told: list[tuple[str, float]] = []
    budget = WriteBudget(MemoryStore(), (Window(60.0, 1000),), on_wait=lambda d, s: told.append((d, s)))
    write_twice_under_a_secondary_limit(forge, forge_org, budget)
    limited = [(d, s) for d, s in told if "rate-limited" in d]
    assert limited, told
    doing, seconds = limited[0]
    assert doing == "GitHub rate-limited this credential (403 with Retry-After): waiting to retry a write"
    assert 0 < seconds <= 1.0
