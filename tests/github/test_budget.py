"""GitHub's write budget: admitted within every window, shared by every writer of a credential, stopped by a
secondary-limit answer, never waiting past a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from platform_cli.github.budget import (
    TICKET_TTL,
    Admission,
    DynamoDbStore,
    Ledger,
    MemoryStore,
    Ticket,
    Window,
    WriteBudget,
    admission,
    admit,
    queued_since,
    released,
)
from platform_cli.github.client import FAST_POLICY, build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.github.exceptions import DeadlineExceededError
from platform_cli.github.retry import primary_limit_reset
from platform_cli.local.forge import Faults
from tests.fixtures.forge import ForgeEnv, ForgeOrg

PER_MINUTE = (Window(60.0, 3),)


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_writes_within_the_window_go_at_once_and_the_next_waits_for_the_oldest_to_leave() -> None:
    ledger = Ledger()
    for now in (0.0, 1.0, 2.0):
        new, wait = admit(ledger, now, PER_MINUTE)
        assert wait == 0.0 and new is not None
        ledger = new
    assert admit(ledger, 3.0, PER_MINUTE) == (None, 57.0)
    assert admit(ledger, 60.0, PER_MINUTE)[1] == 0.0


def test_every_window_must_have_room() -> None:
    windows = (Window(60.0, 10), Window(3600.0, 2))
    ledger = Ledger(stamps=(0.0, 100.0))
    assert admit(ledger, 200.0, windows) == (None, 3400.0)


def test_two_invocations_sharing_a_store_together_stay_within_the_window() -> None:
    clock, store = FakeClock(), MemoryStore()
    first = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    second = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    admitted = []
    for budget in (first, second, first, second):
        budget.acquire()
        admitted.append(clock.now)
    assert admitted[:3] == [1000.0, 1000.0, 1000.0]
    assert admitted[3] >= 1060.0  # the fourth write waits for the first to leave the minute


def test_a_secondary_limit_answer_stops_every_writer_of_the_credential() -> None:
    clock, store = FakeClock(), MemoryStore()
    one = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    other = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    one.block_for(60.0)
    other.acquire()
    assert clock.now >= 1060.0


def test_a_wait_past_the_deadline_raises_at_once_naming_the_shared_budget() -> None:
    clock = FakeClock()
    budget = WriteBudget(MemoryStore(), PER_MINUTE, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        budget.acquire()
    with pytest.raises(DeadlineExceededError, match="write budget for this credential is in use"):
        budget.acquire(Deadline(5.0))
    assert clock.now == 1000.0


def test_a_budget_that_waits_out_uses_the_invocations_time_before_it_raises() -> None:
    """A Lambda whose request continues in a new invocation waits while its deadline allows (a hand-over at once
    would start invocation after invocation, each reading GitHub again), then raises for the hand-over."""
    clock = FakeClock()
    budget = WriteBudget(MemoryStore(), PER_MINUTE, clock=clock, sleep=clock.sleep, wait_out=True)
    for _ in range(3):
        budget.acquire()
    with pytest.raises(DeadlineExceededError, match="write budget for this credential is in use"):
        budget.acquire(Deadline(30.0, clock=clock))
    assert 1029.0 <= clock.now < 1030.0
    assert budget.acquire(Deadline(40.0, clock=clock)) > 0  # room came within this deadline: admitted


def test_a_write_counts_from_its_answer_so_a_slow_one_still_fills_the_window() -> None:
    clock = FakeClock()
    budget = WriteBudget(MemoryStore(), PER_MINUTE, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        budget.acquire()
    clock.now += 5.0  # the three writes took 5 s to reach GitHub and answer
    budget.settle()
    budget.acquire()
    assert clock.now >= 1065.0


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="budget",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_two_processes_share_the_ledger_through_one_dynamodb_item(dynamodb: Any) -> None:
    clock = FakeClock()
    first = WriteBudget(DynamoDbStore(dynamodb, "budget", "github|cred"), PER_MINUTE, clock=clock, sleep=clock.sleep)
    second = WriteBudget(DynamoDbStore(dynamodb, "budget", "github|cred"), PER_MINUTE, clock=clock, sleep=clock.sleep)
    other_credential = WriteBudget(
        DynamoDbStore(dynamodb, "budget", "github|other"), PER_MINUTE, clock=clock, sleep=clock.sleep
    )
    for budget in (first, second, first):
        budget.acquire()
    other_credential.acquire()
    assert clock.now == 1000.0  # three writes of one credential, one of another: no wait yet
    second.acquire()
    assert clock.now >= 1060.0


def test_a_dynamodb_update_that_loses_the_race_reads_again(dynamodb: Any) -> None:
    store = DynamoDbStore(dynamodb, "budget", "github|cred")
    rival = DynamoDbStore(dynamodb, "budget", "github|cred")
    raced: list[bool] = []

    def change(ledger: Ledger) -> tuple[Ledger | None, float]:
        if not raced:  # another process writes between our read and our conditional put
            raced.append(True)
            rival.update(lambda seen: (Ledger(stamps=(*seen.stamps, 1.0)), 0.0))
        return Ledger(stamps=(*ledger.stamps, 2.0)), 0.0

    assert store.update(change) == 0.0
    item = dynamodb.get_item(TableName="budget", Key={"pk": {"S": "github|cred"}})["Item"]
    assert sorted(float(n) for n in item["stamps"]["NS"]) == [1.0, 2.0]


class RecordingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.updates = 0

    def update(self, change: Callable[[Ledger], tuple[Ledger | None, float]]) -> float:
        self.updates += 1
        return super().update(change)


def test_a_client_with_a_budget_asks_it_before_each_write_and_before_reads_only_once_in_a_while(
    forge: ForgeEnv, forge_org: ForgeOrg
) -> None:
    store = RecordingStore()
    gh = build_client(
        GitHubCredentials.pat(forge_org.token), forge.api_url, policy=FAST_POLICY, budget=WriteBudget(store)
    )
    repo = gh.get_repo(forge_org.template)
    repo.get_topics()
    repo.get_topics()
    assert store.updates == 1  # is the hourly request limit used up? (asked again after HALT_REFRESH)
    repo.replace_topics(["one"])
    repo.replace_topics(["two"])
    assert store.updates == 5  # each write admitted, then settled when its answer arrived
    assert len(store._ledger.stamps) == 2


def write_twice_under_a_secondary_limit(forge: ForgeEnv, forge_org: ForgeOrg, budget: WriteBudget) -> None:
    """Two writes through ``budget`` while the forge admits one write a minute (Retry-After: 1); the second gives
    up when its 3 s deadline comes."""
    gh = build_client(
        GitHubCredentials.pat(forge_org.token), forge.api_url, Deadline(3.0), policy=FAST_POLICY, budget=budget
    )
    repo = gh.get_repo(forge_org.template)
    forge.admin.reset_limits()
    with forge.injecting(Faults(secondary_per_minute=1, secondary_retry_after_s=1)):
        repo.replace_topics(["one"])
        with pytest.raises(DeadlineExceededError):
            # The forge keeps refusing for the rest of its minute: the retries wait on the budget, then give up.
            repo.replace_topics(["two"])


def test_a_secondary_limit_answer_stops_the_shared_budget_for_its_retry_after(
    forge: ForgeEnv, forge_org: ForgeOrg
) -> None:
    store = MemoryStore()
    write_twice_under_a_secondary_limit(forge, forge_org, WriteBudget(store, (Window(60.0, 1000),)))
    assert store._ledger.blocked_until > 0
    assert len(store._ledger.stamps) >= 3  # the first write and at least two retries, each admitted


# -- a crowd is served oldest request first (issue 16: no request starves past CloudFormation's wait) ---------------


def test_a_newer_request_does_not_take_the_room_an_older_waiting_request_is_owed() -> None:
    clock, store = FakeClock(), MemoryStore()

    def everyone_polls(seconds: float) -> None:  # the older writer keeps polling while the newer one waits
        clock.sleep(seconds)
        store.update(lambda ledger: (replace(ledger, queue=tuple(replace(t, seen=clock.now) for t in ledger.queue)), 0))

    one_a_minute = (Window(60.0, 1),)
    older = WriteBudget(store, one_a_minute, clock=clock)
    newer = WriteBudget(store, one_a_minute, clock=clock, sleep=everyone_polls, wait_out=True)
    older.acquire()  # the minute is full until 1060
    gave_up: list[float] = []

    def meanwhile(seconds: float) -> None:
        if not gave_up:  # while the older request waits, a newer one waits past the moment room comes
            with queued_since(2000.0), pytest.raises(DeadlineExceededError, match="1 older writes waiting"):
                newer.acquire(Deadline(90.0, clock=clock))
            gave_up.append(clock.now)
        clock.sleep(seconds)

    older._sleep = meanwhile
    with queued_since(1000.0):
        older.acquire()
    assert 1060.0 < gave_up[0] < 1090.0  # from 1060 on the room was there, and it was the older request's
    assert store._ledger.stamps == (clock.now,) and store._ledger.queue == ()  # then the older one wrote


def test_a_writer_that_gives_up_holds_nobody_back() -> None:
    clock, store = FakeClock(), MemoryStore()
    budget = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep, wait_out=True)
    for _ in range(3):
        budget.acquire()
    queued: list[int] = []
    budget._sleep = lambda seconds: (queued.append(len(store._ledger.queue)), clock.sleep(seconds))  # type: ignore[method-assign]
    with queued_since(1.0), pytest.raises(DeadlineExceededError):
        budget.acquire(Deadline(30.0, clock=clock), doing="writing")  # queued, then stopped by its deadline
    assert queued[0] == 1 and store._ledger.queue == ()


def test_a_ticket_no_longer_refreshed_belongs_to_a_writer_that_is_gone() -> None:
    gone = Ticket(since=1.0, ident="vanished", seen=1000.0)
    ledger = Ledger(queue=(gone,))
    late = admission(ledger, 1000.0 + TICKET_TTL + 1.0, PER_MINUTE, Ticket(since=5.0, ident="mine", seen=0.0))
    assert late.wait == 0.0 and late.ahead == 0
    assert admission(ledger, 1001.0, PER_MINUTE, Ticket(since=5.0, ident="mine", seen=0.0)).ahead == 1


def test_waiting_for_a_turn_writes_nothing() -> None:
    clock, store = FakeClock(), MemoryStore()
    budget = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    budget.await_turn()
    assert store._ledger.stamps == ()
    for _ in range(3):
        budget.acquire()
    budget.await_turn()
    assert clock.now >= 1060.0 and len(store._ledger.stamps) == 2  # the oldest left the window; none added


def test_a_wait_is_logged_with_what_is_awaited_for_how_long_and_how_many_wait_ahead(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, store = FakeClock(), MemoryStore()
    budget = WriteBudget(store, PER_MINUTE, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        budget.acquire()
    store.update(lambda ledger: (Ledger(ledger.stamps, queue=(Ticket(0.5, "older", 1000.0),)), 0.0))
    with caplog.at_level("INFO", logger="platform_cli.github.budget"), queued_since(1.0):
        budget.acquire(doing="waiting for GitHub's write budget (PUT /repos/acme/churn/topics)")
    (told, *_) = [r for r in caplog.records if r.getMessage() == "waiting for GitHub's write budget"]
    assert told.awaited == "waiting for GitHub's write budget (PUT /repos/acme/churn/topics)"  # type: ignore[attr-defined]
    assert told.ahead == "1 older writes waiting" and told.seconds == 60.0  # type: ignore[attr-defined]


def _ledger_and_wait(outcome: Admission) -> tuple[Ledger | None, float]:
    return outcome.ledger, outcome.wait


def test_the_waiting_writes_are_shared_through_the_dynamodb_item(dynamodb: Any) -> None:
    clock = FakeClock()
    one = WriteBudget(DynamoDbStore(dynamodb, "budget", "github|cred"), PER_MINUTE, clock=clock, sleep=clock.sleep)
    other = DynamoDbStore(dynamodb, "budget", "github|cred")
    for _ in range(3):
        one.acquire()
    waiting = Ticket(since=1.0, ident="older", seen=clock.now)
    other.update(lambda ledger: _ledger_and_wait(admission(ledger, clock.now, PER_MINUTE, waiting)))
    seen = admission(other._read()[0], clock.now + 1.0, PER_MINUTE, Ticket(since=2.0, ident="newer", seen=0.0))
    assert seen.ahead == 1 and seen.wait > 0  # the other process's older ticket is read back from the item


def test_a_request_writes_only_while_it_holds_one_of_the_turns_which_go_to_the_oldest_request_first() -> None:
    """Room that opens all at once goes to the few oldest projects, which finish, not one write to each of a crowd."""
    plenty = (Window(60.0, 100),)  # the window has room: only the turns hold writes back
    ledger = Ledger()

    def write(request: str, since: float, now: float) -> Admission:
        return admission(ledger, now, plenty, Ticket(since, f"{request}-write", 0.0, request), turns=2)

    for request, since in (("first", 1.0), ("second", 2.0)):
        taken = write(request, since, 10.0)
        assert taken.wait == 0.0 and taken.ledger is not None
        ledger = taken.ledger
    third = write("third", 3.0, 10.0)
    assert third.wait > 0 and third.for_turn and third.ahead == 2 and third.ledger is not None
    ledger = third.ledger  # the third request waits for a turn
    assert write("second", 2.0, 10.5).wait == 0.0  # a request holding a turn writes on
    ledger = released(ledger, "first")[0] or ledger  # the first request finished
    assert write("fourth", 4.0, 11.0).wait > 0  # the free turn is owed to the older third request
    assert write("third", 3.0, 11.0).wait == 0.0


def test_a_request_waiting_for_room_keeps_its_turn() -> None:
    one_a_minute = (Window(60.0, 1),)
    ledger = Ledger()

    def write(request: str, now: float) -> Admission:
        return admission(
            ledger, now, one_a_minute, Ticket(1.0 if request == "older" else 2.0, request, 0.0, request), turns=1
        )

    ledger = write("older", 0.0).ledger or ledger  # writes at 0, and holds the only turn
    waiting = write("older", 30.0)
    assert waiting.wait == 30.0 and waiting.ledger is not None
    ledger = waiting.ledger  # its next write waits for room (at 60), polling
    newer = write("newer", 70.0)  # the turn was last used at 0, but its request is still waiting: not free
    assert newer.wait > 0 and newer.for_turn


# -- the hourly request limit (primary): met once, nobody asks again before it resets ---------------------------------


def _rate_limit_used(forge: ForgeEnv, token: str) -> int:
    answer = requests.get(f"{forge.api_url}/rate_limit", headers={"Authorization": f"token {token}"}, timeout=5)
    used: int = answer.json()["resources"]["core"]["used"]
    return used


def _limited_client(forge: ForgeEnv, token: str, store: MemoryStore) -> Any:
    budget = WriteBudget(store)
    return build_client(GitHubCredentials.pat(token), forge.api_url, Deadline(5.0), FAST_POLICY, budget=budget)


def test_meeting_the_hourly_request_limit_fails_in_one_line_naming_when_it_resets(forge: ForgeEnv) -> None:
    token = forge.admin.create_user(forge.unique("hourly"))
    store = MemoryStore()
    gh = _limited_client(forge, token, store)
    with forge.injecting(Faults(primary_limit=2)):
        assert gh.get_user().login  # the two requests of the hour
        assert gh.get_user().login
        with pytest.raises(DeadlineExceededError, match=r"hourly request limit for this credential is used up until"):
            gh.get_user().login  # noqa: B018 (PyGithub fetches again: a third read)
    assert store._ledger.halted_until > time.time() + 3000  # the forge's hour, stored for every client


def test_once_the_hourly_limit_is_met_no_client_sharing_the_budget_asks_github_before_it_resets(
    forge: ForgeEnv,
) -> None:
    token = forge.admin.create_user(forge.unique("hourly"))
    store = MemoryStore()
    store.update(lambda ledger: (replace(ledger, halted_until=time.time() + 3600.0), 0.0))  # met by another client
    used = _rate_limit_used(forge, token)
    gh = _limited_client(forge, token, store)
    with pytest.raises(DeadlineExceededError, match="used up until"):
        gh.get_user().login  # noqa: B018 (a read: held too)
    assert _rate_limit_used(forge, token) == used  # GitHub was not asked


def test_a_client_waits_for_the_hourly_limit_to_reset_when_its_deadline_allows() -> None:
    clock = FakeClock()
    budget = WriteBudget(MemoryStore(), PER_MINUTE, clock=clock, sleep=clock.sleep)
    budget.halt_until(clock.now + 10.0)
    budget.hold_request(Deadline(60.0, clock=clock))
    assert 1010.0 <= clock.now < 1012.0


def test_a_secondary_limit_or_a_refusal_is_not_taken_for_the_hourly_limit() -> None:
    class Answer:
        def __init__(self, status: int, **headers: str) -> None:
            self.status, self.headers = status, {k.replace("_", "-"): v for k, v in headers.items()}

    hourly = Answer(403, **{"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": "2000"})
    assert primary_limit_reset(hourly) == 2001.0
    assert primary_limit_reset(Answer(429, **{"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": "2000"})) == 2001.0
    secondary = Answer(403, **{"Retry_After": "60", "X_RateLimit_Remaining": "0", "X_RateLimit_Reset": "2000"})
    assert primary_limit_reset(secondary) is None
    assert primary_limit_reset(Answer(403, **{"X_RateLimit_Remaining": "4000", "X_RateLimit_Reset": "2000"})) is None
    assert primary_limit_reset(Answer(200, **{"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": "2000"})) is None


def test_the_hourly_stop_is_kept_in_the_shared_dynamodb_item(dynamodb: Any) -> None:
    clock = FakeClock()
    WriteBudget(DynamoDbStore(dynamodb, "budget", "github|cred"), PER_MINUTE, clock=clock).halt_until(5000.0)
    other = WriteBudget(DynamoDbStore(dynamodb, "budget", "github|cred"), PER_MINUTE, clock=clock, sleep=clock.sleep)
    with pytest.raises(DeadlineExceededError, match="used up until"):
        other.hold_request(Deadline(60.0, clock=clock))
    other.acquire()  # a write waits for the reset too
    assert clock.now >= 5000.0
