"""GitHub's write budget, shared by everything that writes with one credential.

GitHub documents (REST API, "Rate limits for the REST API", secondary rate limits) that an integration must make
no more than 80 content-creating requests (POST, PATCH, PUT, DELETE) a minute and 500 an hour, and answers 403/429
with ``Retry-After`` when it does. The limit belongs to the credential, not to the process: twenty Lambda
invocations each pacing itself at one write a second together make twenty a second.

``WriteBudget`` admits a write when every window (for example 75 in the last 62 s) still has room, and otherwise
says how long to wait; ``block_until`` stops every writer sharing the budget until a ``Retry-After`` passes. A write
is stamped when admitted and stamped again when its answer arrives (``settle``): GitHub counts it when it receives
it, somewhere in between, so a write held up on the way (a slow network, a busy server) still counts in full. The
windows are a log of admitted writes, so a single project bursts at full speed while a crowd is held to the
sustained rate. The log lives in a ``BudgetStore``: ``MemoryStore`` (threads of one process: the CLI, the bench)
or ``DynamoDbStore`` (every Lambda invocation of the credential: one item, updated with a conditional write).

When a crowd waits, the budget is handed out oldest request first, not to whoever polls first. A request (one
project's provisioning, ``queued_since``: when it was first asked for, so a request continued in a new invocation
keeps its place) writes only while it holds one of ``TURNS`` turns; turns go to the oldest requests waiting for one,
and each waiting write holds a ``Ticket`` in the ledger, admitted only when the windows have room for it and every
older waiting write. Room that opens all at once (the window's oldest writes leaving together) therefore goes to the
few oldest projects, which finish, instead of one write to every project of the crowd, none of which finish before
CloudFormation stops waiting. ``await_turn`` takes a turn without writing: a request whose turn is far off does not
read GitHub (and spend its hourly request limit) only to wait again.

GitHub's primary limit (5000 requests an hour for a token; 5000 to 15000 for an App installation) counts reads too.
Once it is used up GitHub answers 403/429 with ``X-RateLimit-Remaining: 0`` until ``X-RateLimit-Reset`` and asks
that nothing be sent before then: ``halt_until`` stops every request (reads too) of every client sharing the
budget until the reset. Each client checks that stop before every request, reading the store at most every
``HALT_REFRESH`` seconds (and whenever it writes), so a crowd of readers costs the store little.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Protocol

from platform_cli.github.deadline import Deadline, WaitListener
from platform_cli.github.exceptions import DeadlineExceededError

log = logging.getLogger("platform_cli.github.budget")

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# A waiting writer polls at least once a second and refreshes its ticket this often; a ticket not refreshed for
# TICKET_TTL seconds belongs to a writer that is gone (its invocation ended) and holds nobody back.
TICKET_REFRESH = 5.0
TICKET_TTL = 15.0
# A turn is refreshed by each write of its request; one not refreshed for TURN_TTL seconds (its request waits for a
# repository to be generated, reads GitHub, or is gone) is free again.
TURN_TTL = 60.0
# Requests writing at once. A build + deploy project makes about 30 writes in a few seconds: three fill GitHub's
# per-minute window, and a fourth keeps it busy while one waits for a repository to be generated.
TURNS = 4
# A client re-reads the shared stop of every request (the hourly request limit used up) at most this often.
HALT_REFRESH = 30.0


@dataclass(frozen=True)
class Window:
    """At most ``limit`` writes in any ``seconds``."""

    seconds: float
    limit: int


# GitHub's documented secondary limits, with a margin (a request is counted when GitHub receives it, a little
# after we admit it).
GITHUB_WINDOWS: tuple[Window, ...] = (Window(62.0, 75), Window(3610.0, 490))
# The local forge enforces the per-minute limit only.
FORGE_WINDOWS: tuple[Window, ...] = (Window(62.0, 75),)


@dataclass(frozen=True)
class Ticket:
    """A write waiting its turn. ``since``: when its request was first asked for (epoch seconds; the oldest goes
    first), ``ident``: this wait (ties, its own ticket), ``seen``: its last poll (a stale ticket is ignored)."""

    since: float
    ident: str
    seen: float
    request: str = ""  # the request the write belongs to ("": none, e.g. a CLI command or a workflow dispatch)

    def before(self, other: Ticket) -> bool:
        return (self.since, self.ident) < (other.since, other.ident)


@dataclass(frozen=True)
class Ledger:
    """The shared state: times of recent admitted writes (epoch seconds), a stop set by ``Retry-After``, the writes
    waiting their turn, and the requests holding a turn (``Ticket``s whose ``ident`` is the request)."""

    stamps: tuple[float, ...] = ()
    blocked_until: float = 0.0
    queue: tuple[Ticket, ...] = ()
    turns: tuple[Ticket, ...] = ()
    halted_until: float = 0.0  # every request, reads too, until GitHub's hourly request limit resets


@dataclass(frozen=True)
class Admission:
    """The outcome of asking for a write: the ledger to store (``None``: unchanged), the seconds to wait (0: go),
    and how many older writes wait ahead of this one."""

    ledger: Ledger | None
    wait: float
    ahead: int = 0
    for_turn: bool = False  # waiting for the request's turn (``ahead``: requests), not for room (``ahead``: writes)


def settled(ledger: Ledger, admitted: tuple[float, ...], now: float) -> Ledger:
    """The ledger with the writes stamped ``admitted`` stamped again at ``now`` (their answers arrived)."""
    gone = set(admitted)
    stamps = sorted(stamp for stamp in ledger.stamps if stamp not in gone)
    for _ in admitted:
        stamp = round(max(now, stamps[-1] + 1e-6), 6) if stamps else now
        stamps.append(stamp)
    return replace(ledger, stamps=tuple(sorted(stamps)))


def _turn_wait(stamps: tuple[float, ...], now: float, windows: tuple[Window, ...], ahead: int) -> float:
    """Seconds until every window has room for the ``ahead`` older waiting writes and one more."""
    wait = 0.0
    for window in windows:
        recent = [stamp for stamp in stamps if now - stamp < window.seconds]
        leave = len(recent) + ahead + 1 - window.limit  # writes that must leave the window first
        if leave <= 0:
            continue
        if leave <= len(recent):
            wait = max(wait, recent[leave - 1] + window.seconds - now)
        else:  # more waiting than one window holds: an estimate, whole windows after the last stamp leaves
            last = recent[-1] + window.seconds - now if recent else 0.0
            wait = max(wait, last + math.ceil((leave - len(recent)) / window.limit) * window.seconds)
    return wait


def admission(
    ledger: Ledger,
    now: float,
    windows: tuple[Window, ...],
    ticket: Ticket | None = None,
    stamp: bool = True,
    turns: int = TURNS,
) -> Admission:
    """Whether the write holding ``ticket`` may go now (``stamp``: and count it), or how long it waits for its turn.

    A write of a request (``ticket.request``) needs the request to hold a turn, or a free one no older request waits
    for; it then takes (or refreshes) the turn. A write without a ticket queues behind every waiting one. A waiting
    write's ticket is (re)written only when new or due for a refresh, so a crowd polling the ledger rarely writes."""
    longest = max(window.seconds for window in windows)
    stamps = tuple(s for s in ledger.stamps if now - s < longest)
    own = ticket.ident if ticket is not None else None
    others = tuple(t for t in ledger.queue if now - t.seen < TICKET_TTL and t.ident != own)
    held = tuple(t for t in ledger.turns if now - t.seen < TURN_TTL)
    holders = {t.ident for t in held}
    request = ticket.request if ticket is not None else ""
    waiting_requests: set[str] = set()
    if ticket is not None and request and request not in holders:
        # Older requests waiting for a turn go first; so do the writes of requests holding one.
        waiting_requests = {
            t.request
            for t in others
            if t.request and t.request not in holders and (t.since, t.request) < (ticket.since, request)
        }
    may_write = not waiting_requests and (not request or request in holders or len(holders) < turns)
    competing = [t for t in others if not t.request or t.request in holders]
    ahead = sum(1 for t in competing if ticket is None or t.before(ticket))
    stopped = max(ledger.blocked_until, ledger.halted_until)
    wait = max(_turn_wait(stamps, now, windows, ahead), stopped - now, 0.0)
    if not may_write:
        ahead = len(waiting_requests) + len(holders)
        wait = max(wait, _turn_wait(stamps, now, windows, len(competing)), 1.0)
    if wait <= 0:
        turns_now = held
        if ticket is not None and request:  # take or refresh this request's turn
            turns_now = (*(t for t in held if t.ident != request), Ticket(ticket.since, request, now))
        if not stamp:
            return Admission(replace(ledger, stamps=stamps, queue=others, turns=turns_now), 0.0, ahead)
        # Stamps stay sorted and distinct (a DynamoDB number set), at microsecond resolution.
        new = round(max(now, stamps[-1] + 1e-6), 6) if stamps else now
        return Admission(replace(ledger, stamps=(*stamps, new), queue=others, turns=turns_now), 0.0, ahead)
    if ticket is None:
        return Admission(None, wait, ahead)
    mine = next((t for t in ledger.queue if t.ident == ticket.ident), None)
    if mine is not None and now - mine.seen < TICKET_REFRESH:
        return Admission(None, wait, ahead, not may_write)
    # A request waiting for room keeps its turn (refreshed with its ticket): the room, when it comes, is its.
    kept = tuple(replace(t, seen=now) if t.ident == request else t for t in held)
    queued = replace(ledger, stamps=stamps, queue=(*others, replace(ticket, seen=now)), turns=kept)
    return Admission(queued, wait, ahead, not may_write)


def admit(ledger: Ledger, now: float, windows: tuple[Window, ...]) -> tuple[Ledger | None, float]:
    """``(new ledger, 0)`` when a write (without a ticket: behind every waiting one) may go now; ``(None, seconds
    to wait)`` otherwise."""
    outcome = admission(ledger, now, windows)
    return outcome.ledger, outcome.wait


def without(ledger: Ledger, ident: str) -> tuple[Ledger | None, float]:
    """The ledger without the ticket ``ident`` (its writer stopped waiting); ``None`` when it holds none."""
    queue = tuple(t for t in ledger.queue if t.ident != ident)
    return (replace(ledger, queue=queue) if len(queue) != len(ledger.queue) else None), 0.0


def released(ledger: Ledger, request: str) -> tuple[Ledger | None, float]:
    """The ledger without ``request``'s turn (it finished, or handed over); ``None`` when it holds none."""
    turns = tuple(t for t in ledger.turns if t.ident != request)
    return (replace(ledger, turns=turns) if len(turns) != len(ledger.turns) else None), 0.0


_request: ContextVar[tuple[float, str] | None] = ContextVar("write_budget_request", default=None)


@contextmanager
def queued_since(epoch: float, request: str = "") -> Iterator[None]:
    """Writes made inside (in this thread, and threads started with a copy of its context) wait their turn as
    those of ``request``, first asked for at ``epoch``: a request continued in a new invocation keeps its place.
    Without ``request``, they are ordered by ``epoch`` but need no turn."""
    token = _request.set((epoch, request))
    try:
        yield
    finally:
        _request.reset(token)


class BudgetStore(Protocol):
    """Where the ledger lives. ``update`` applies ``change`` atomically, storing the ledger it returns (unless
    ``None``), and returns its wait."""

    def update(self, change: Callable[[Ledger], tuple[Ledger | None, float]]) -> float: ...


class MemoryStore:
    """A ledger shared by the threads of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ledger = Ledger()

    def update(self, change: Callable[[Ledger], tuple[Ledger | None, float]]) -> float:
        with self._lock:
            new, wait = change(self._ledger)
            if new is not None:
                self._ledger = new
            return wait


def _json(item: dict[str, Any], name: str) -> list[list[Any]]:
    value: list[list[Any]] = json.loads(item.get(name, {}).get("S", "[]"))
    return value


class DynamoDbStore:
    """A ledger shared by every process using the credential: one DynamoDB item per ``key`` (the credential's
    identity, never the token), replaced with a conditional write on its version (optimistic concurrency)."""

    def __init__(self, client: Any, table: str, key: str, attempts: int = 20) -> None:
        self._client = client
        self._table = table
        self._key = key
        self._attempts = attempts

    def _read(self) -> tuple[Ledger, int]:
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": self._key}}, ConsistentRead=True).get(
            "Item"
        )
        if not item:
            return Ledger(), 0
        stamps = tuple(float(n) for n in item.get("stamps", {}).get("NS", []))
        blocked = float(item.get("blocked_until", {}).get("N", "0"))
        halted = float(item.get("halted_until", {}).get("N", "0"))
        queue = tuple(Ticket(float(a), str(b), float(c), str(d)) for a, b, c, d in _json(item, "queue"))
        turns = tuple(Ticket(float(a), str(b), float(c)) for a, b, c in _json(item, "turns"))
        ledger = Ledger(
            stamps=tuple(sorted(stamps)), blocked_until=blocked, queue=queue, turns=turns, halted_until=halted
        )
        return ledger, int(item["version"]["N"])

    def update(self, change: Callable[[Ledger], tuple[Ledger | None, float]]) -> float:
        for _ in range(self._attempts):
            ledger, version = self._read()
            new, wait = change(ledger)
            if new is None:
                return wait
            item: dict[str, Any] = {
                "pk": {"S": self._key},
                "version": {"N": str(version + 1)},
                "blocked_until": {"N": repr(new.blocked_until)},
                "halted_until": {"N": repr(new.halted_until)},
                # Expire the item a day after its last write (TTL attribute of the table).
                "expires_at": {"N": str(int(time.time()) + 86400)},
            }
            if new.stamps:
                item["stamps"] = {"NS": [repr(s) for s in new.stamps]}  # distinct (``admission`` keeps them so)
            if new.queue:
                item["queue"] = {"S": json.dumps([[t.since, t.ident, t.seen, t.request] for t in new.queue])}
            if new.turns:
                item["turns"] = {"S": json.dumps([[t.since, t.ident, t.seen] for t in new.turns])}
            condition = "attribute_not_exists(pk)" if version == 0 else "version = :v"
            kwargs: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition}
            if version:
                kwargs["ExpressionAttributeValues"] = {":v": {"N": str(version)}}
            try:
                self._client.put_item(**kwargs)
                return wait
            except self._client.exceptions.ConditionalCheckFailedException:
                continue  # another writer got there first: read again
        return 0.05  # heavy contention: back off briefly and try again


class WriteBudget:
    """Admit writes within ``windows``, sharing the ledger in ``store``; every wait respects the deadline."""

    def __init__(
        self,
        store: BudgetStore | None = None,
        windows: tuple[Window, ...] = GITHUB_WINDOWS,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        wait_out: bool = False,
        on_wait: WaitListener | None = None,
        turns: int = TURNS,
    ) -> None:
        self.store: BudgetStore = store or MemoryStore()
        # False: a wait that would pass the deadline raises at once (fail fast: the CLI, one invocation alone).
        # True: wait while the deadline allows, then raise (a Lambda whose request continues in a new invocation
        # uses its whole lifetime instead of handing over at once and spinning).
        self.wait_out = wait_out
        self.on_wait = on_wait  # told once per wait (and again when it grows): what is awaited, for how long
        self.windows = windows
        self.turns = turns  # requests writing at once (see the module doc)
        self._clock = clock
        self._sleep = sleep
        self._pending = threading.local()  # stamps of this thread's writes whose answers have not arrived
        self._halted_until = 0.0  # the ledger's stop of every request, as last seen
        self._halt_read_at: float | None = None  # when the store was last read for it

    def _admitted(self) -> list[float]:
        pending: list[float] | None = getattr(self._pending, "stamps", None)
        if pending is None:
            pending = []
            self._pending.stamps = pending
        return pending

    def acquire(self, deadline: Deadline | None = None, doing: str = "writing to GitHub") -> float:
        """Block until one write is admitted (its turn came, see the module doc); the seconds waited. Raises when
        the wait would pass the deadline."""
        return self._wait_turn(deadline, doing, stamp=True)

    def await_turn(self, deadline: Deadline | None = None, doing: str = "waiting for a turn to write") -> float:
        """Block until a write of this request would be admitted, without writing; the seconds waited. Raises
        when the wait would pass the deadline (as ``acquire``)."""
        return self._wait_turn(deadline, doing, stamp=False)

    def _wait_turn(self, deadline: Deadline | None, doing: str, stamp: bool) -> float:
        waited = 0.0
        told_until = 0.0  # the end of the wait last reported (clock time)
        since, request = _request.get() or (self._clock(), "")
        ticket = Ticket(since, uuid.uuid4().hex[:16], 0.0, request)
        seen: list[Admission] = []

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            self._halted_until = max(self._halted_until, ledger.halted_until)
            outcome = admission(ledger, self._clock(), self.windows, ticket, stamp, self.turns)
            seen[:] = [outcome]
            return outcome.ledger, outcome.wait

        try:
            while True:
                wait = self.store.update(change)
                if wait <= 0 and seen and seen[0].wait <= 0:
                    if stamp and seen[0].ledger is not None:
                        self._admitted().append(seen[0].ledger.stamps[-1])
                    if waited:
                        log.info("GitHub's write budget admitted a wait", extra={"awaited": doing, "seconds": waited})
                    return waited
                ahead = seen[0].ahead if seen else 0
                queue = f"{ahead} older {'requests' if seen and seen[0].for_turn else 'writes'} waiting"
                if deadline is not None and not deadline.allows(wait) and not (self.wait_out and deadline.allows(1.0)):
                    raise DeadlineExceededError(
                        f"ran out of time while {doing}: GitHub's write budget for this credential is in use by "
                        f"other projects (next write in {wait:.0f}s, {queue}); retry later (the work done so far "
                        "is kept)"
                    )
                if self._clock() + wait > told_until + 1.0:
                    told_until = self._clock() + wait
                    # Visible where the writer runs: the Lambda's log (JSON, with these fields), the CLI's progress.
                    log.info(
                        "waiting for GitHub's write budget",
                        extra={"awaited": doing, "seconds": round(wait, 1), "ahead": queue},
                    )
                    if self.on_wait is not None:
                        self.on_wait(doing, wait)
                # Sleep in short steps: other writers may leave room sooner than the oldest stamp expires.
                step = min(wait, 1.0) if deadline is None else max(min(wait, 1.0, deadline.remaining() - 0.5), 0.01)
                self._sleep(step)
                waited += step
        except BaseException:
            # Gave up waiting (or was stopped): hold nobody back for the ticket's remaining life.
            try:
                self.store.update(lambda ledger: without(ledger, ticket.ident))
            except Exception:
                log.warning("could not withdraw a write budget ticket; it expires in %.0f s", TICKET_TTL)
            raise

    def release(self, request: str) -> None:
        """``request`` is answered: give its turn back now, so the next oldest request need not wait for it to
        expire. (A request handed to a continuation keeps its turn: the continuation carries on with it.)"""
        try:
            self.store.update(lambda ledger: released(ledger, request))
        except Exception:
            log.warning("could not give back a write budget turn; it expires in %.0f s", TURN_TTL)

    def settle(self) -> None:
        """The answers of this thread's admitted writes arrived: count them from now (see the module doc)."""
        pending = self._admitted()
        if not pending:
            return
        admitted = tuple(pending)
        pending.clear()

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            self._halted_until = max(self._halted_until, ledger.halted_until)
            return settled(ledger, admitted, self._clock()), 0.0

        self.store.update(change)

    def block_until(self, epoch: float) -> None:
        """Stop every writer of this budget until ``epoch`` (GitHub answered a secondary limit)."""

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            if ledger.blocked_until >= epoch:
                return None, 0.0
            return replace(ledger, blocked_until=epoch), 0.0

        self.store.update(change)

    def block_for(self, seconds: float) -> None:
        self.block_until(self._clock() + seconds)

    def halt_until(self, epoch: float) -> None:
        """Stop every request (reads too) of every client of this budget until ``epoch``: GitHub's hourly request
        limit for the credential is used up until then (``X-RateLimit-Reset``)."""
        self._halted_until = max(self._halted_until, epoch)

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            if ledger.halted_until >= epoch:
                return None, 0.0
            return replace(ledger, halted_until=epoch), 0.0

        self.store.update(change)

    def hold_request(self, deadline: Deadline | None = None) -> None:
        """Before any request: wait while GitHub's hourly request limit is known to be used up; raise when that
        wait would pass the deadline (a Lambda's request then continues in a later invocation)."""
        now = self._clock()
        if self._halt_read_at is None or now - self._halt_read_at >= HALT_REFRESH:
            self._halt_read_at = now

            def read(ledger: Ledger) -> tuple[Ledger | None, float]:
                self._halted_until = max(self._halted_until, ledger.halted_until)
                return None, 0.0

            self.store.update(read)
        wait = self._halted_until - now
        if wait <= 0:
            return
        until = time.strftime("%H:%M:%S UTC", time.gmtime(self._halted_until))
        if deadline is not None and not (deadline.allows(wait) or (self.wait_out and deadline.allows(1.0))):
            raise DeadlineExceededError(
                f"GitHub's hourly request limit for this credential is used up until {until} (X-RateLimit-Reset); "
                "retry after that (the work done so far is kept)"
            )
        doing = f"waiting for GitHub's hourly request limit to reset at {until}"
        log.info("waiting for GitHub's request limit", extra={"awaited": doing, "seconds": round(wait, 1)})
        if self.on_wait is not None:
            self.on_wait(doing, wait)
        while wait > 0:
            if deadline is not None:
                deadline.check(doing)
                step = max(min(wait, 1.0, deadline.remaining() - 0.5), 0.01)
            else:
                step = min(wait, 1.0)
            self._sleep(step)
            wait = self._halted_until - self._clock()


def is_write(verb: str) -> bool:
    return verb.upper() in WRITE_METHODS
