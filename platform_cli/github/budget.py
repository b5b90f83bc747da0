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
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from platform_cli.github.deadline import Deadline, WaitListener
from platform_cli.github.exceptions import DeadlineExceededError

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


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
class Ledger:
    """The shared state: times of recent admitted writes (epoch seconds) and a stop set by ``Retry-After``."""

    stamps: tuple[float, ...] = ()
    blocked_until: float = 0.0


def settled(ledger: Ledger, admitted: tuple[float, ...], now: float) -> Ledger:
    """The ledger with the writes stamped ``admitted`` stamped again at ``now`` (their answers arrived)."""
    gone = set(admitted)
    stamps = sorted(stamp for stamp in ledger.stamps if stamp not in gone)
    for _ in admitted:
        stamp = round(max(now, stamps[-1] + 1e-6), 6) if stamps else now
        stamps.append(stamp)
    return Ledger(stamps=tuple(sorted(stamps)), blocked_until=ledger.blocked_until)


def admit(ledger: Ledger, now: float, windows: tuple[Window, ...]) -> tuple[Ledger | None, float]:
    """``(new ledger, 0)`` when a write may go now; ``(None, seconds to wait)`` otherwise."""
    if now < ledger.blocked_until:
        return None, ledger.blocked_until - now
    longest = max(window.seconds for window in windows)
    stamps = tuple(stamp for stamp in ledger.stamps if now - stamp < longest)
    wait = 0.0
    for window in windows:
        recent = [stamp for stamp in stamps if now - stamp < window.seconds]
        if len(recent) >= window.limit:
            # The oldest write that must leave the window before one more fits.
            wait = max(wait, recent[len(recent) - window.limit] + window.seconds - now)
    if wait > 0:
        return None, wait
    # Stamps stay sorted and distinct (a DynamoDB number set), at microsecond resolution.
    stamp = round(max(now, stamps[-1] + 1e-6), 6) if stamps else now
    return Ledger(stamps=(*stamps, stamp), blocked_until=ledger.blocked_until), 0.0


class BudgetStore(Protocol):
    """Where the ledger lives. ``update`` applies ``change`` atomically and returns its result."""

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
        return Ledger(stamps=tuple(sorted(stamps)), blocked_until=blocked), int(item["version"]["N"])

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
                # Expire the item a day after its last write (TTL attribute of the table).
                "expires_at": {"N": str(int(time.time()) + 86400)},
            }
            if new.stamps:
                item["stamps"] = {"NS": [repr(s) for s in new.stamps]}  # distinct (``admit`` keeps them so)
            condition = "attribute_not_exists(pk)" if version == 0 else "version = :v"
            kwargs: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition}
            if version:
                kwargs["ExpressionAttributeValues"] = {":v": {"N": str(version)}}
            try:
                self._client.put_item(**kwargs)
                return 0.0
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
    ) -> None:
        self.store: BudgetStore = store or MemoryStore()
        # False: a wait that would pass the deadline raises at once (fail fast: the CLI, one invocation alone).
        # True: wait while the deadline allows, then raise (a Lambda whose request continues in a new invocation
        # uses its whole lifetime instead of handing over at once and spinning).
        self.wait_out = wait_out
        self.on_wait = on_wait  # told once per wait (and again when it grows): what is awaited, for how long
        self.windows = windows
        self._clock = clock
        self._sleep = sleep
        self._pending = threading.local()  # stamps of this thread's writes whose answers have not arrived

    def _admitted(self) -> list[float]:
        pending: list[float] | None = getattr(self._pending, "stamps", None)
        if pending is None:
            pending = []
            self._pending.stamps = pending
        return pending

    def acquire(self, deadline: Deadline | None = None, doing: str = "writing to GitHub") -> float:
        """Block until one write is admitted; the seconds waited. Raises when the wait would pass the deadline."""
        waited = 0.0
        told_until = 0.0  # the end of the wait last reported to on_wait (clock time)
        stamped: list[float] = []

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            new, wait = admit(ledger, self._clock(), self.windows)
            stamped[:] = [new.stamps[-1]] if new is not None else []
            return new, wait

        while True:
            wait = self.store.update(change)
            if wait <= 0:
                self._admitted().extend(stamped)
                return waited
            if deadline is not None and not deadline.allows(wait) and not (self.wait_out and deadline.allows(1.0)):
                raise DeadlineExceededError(
                    f"ran out of time while {doing}: GitHub's write budget for this credential is in use by other "
                    f"projects (next write in {wait:.0f}s); retry later (the work done so far is kept)"
                )
            if self.on_wait is not None and self._clock() + wait > told_until + 1.0:
                told_until = self._clock() + wait
                self.on_wait(doing, wait)
            # Sleep in short steps: other writers may leave room sooner than the oldest stamp expires.
            step = min(wait, 1.0) if deadline is None else max(min(wait, 1.0, deadline.remaining() - 0.5), 0.01)
            self._sleep(step)
            waited += step

    def settle(self) -> None:
        """The answers of this thread's admitted writes arrived: count them from now (see the module doc)."""
        pending = self._admitted()
        if not pending:
            return
        admitted = tuple(pending)
        pending.clear()
        self.store.update(lambda ledger: (settled(ledger, admitted, self._clock()), 0.0))

    def block_until(self, epoch: float) -> None:
        """Stop every writer of this budget until ``epoch`` (GitHub answered a secondary limit)."""

        def change(ledger: Ledger) -> tuple[Ledger | None, float]:
            if ledger.blocked_until >= epoch:
                return None, 0.0
            return Ledger(stamps=ledger.stamps, blocked_until=epoch), 0.0

        self.store.update(change)

    def block_for(self, seconds: float) -> None:
        self.block_until(self._clock() + seconds)


def is_write(verb: str) -> bool:
    return verb.upper() in WRITE_METHODS
