"""Continuation of one CloudFormation custom-resource request across Lambda invocations (issue 16).

A project's repositories are configured within GitHub's write budget, which the whole organisation shares: when a
hundred projects are launched at once, the budget (not the code) decides when each is done, and that can be later
than one invocation's 15 minutes. CloudFormation waits for the answer for the custom resource's ``ServiceTimeout``
(1 to 3600 seconds, default 3600), and the response URL stays valid for that long. So an invocation that runs out of
its own time while CloudFormation's wait still has room hands the request to a continuation: it invokes its own
function asynchronously with the same event plus a checkpoint (``PlatformContinuation``: the generation and when
the first invocation started) and stops without answering. The reconcile is idempotent (read, compare, write), so
the continuation starts again and skips what is already done — after waiting, without reading GitHub, for the
request's turn at the write budget (``WriteBudget.await_turn``, as a first invocation does; the request keeps its age).

Exactly one invocation works on, and answers, a request at a time: a ``Ledger`` keyed by the request's idempotency
key (a hash of ``StackId``, ``RequestId`` and ``LogicalResourceId``) admits generation *n* once (or again to the same
Lambda request id: Lambda's own retry of that invocation), refuses an older generation once a newer one started,
and lets one answer through. The ledger lives in the write-budget table in AWS (``DynamoDbLedger``: conditional
``PutItem``; items expire after a day) and in memory in the bench.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

CONTINUATION_KEY = "PlatformContinuation"
KEY_PREFIX = "continuation#"


@dataclass(frozen=True)
class Checkpoint:
    """Which invocation of a request this is (0: CloudFormation's own) and when the first one started (epoch s)."""

    generation: int
    started: float


def checkpoint_of(event: dict[str, Any], now: float, longest: float) -> Checkpoint:
    """The event's checkpoint; a missing or implausible one (a start in the future or more than ``longest`` ago)
    is a first invocation starting now."""
    raw = event.get(CONTINUATION_KEY)
    if isinstance(raw, dict):
        generation, started = raw.get("generation"), raw.get("started")
        if (
            isinstance(generation, int)
            and generation > 0
            and isinstance(started, int | float)
            and now - longest <= float(started) <= now
        ):
            return Checkpoint(generation, float(started))
    return Checkpoint(0, now)


def next_event(event: dict[str, Any], checkpoint: Checkpoint) -> dict[str, Any]:
    """The same request for the next invocation."""
    return {**event, CONTINUATION_KEY: {"generation": checkpoint.generation + 1, "started": checkpoint.started}}


def idempotency_key(event: dict[str, Any]) -> str:
    parts = "|".join(str(event.get(name) or "") for name in ("StackId", "RequestId", "LogicalResourceId"))
    return KEY_PREFIX + hashlib.sha256(parts.encode()).hexdigest()


class Ledger(Protocol):
    def claim(self, key: str, generation: int, owner: str) -> bool:
        """Whether this invocation may work on the request (not a duplicate, not superseded, not answered)."""
        ...

    def answer(self, key: str, generation: int, owner: str) -> bool:
        """Whether this invocation may answer CloudFormation (nobody has yet)."""
        ...


class MemoryLedger:
    """The ledger of one process (the bench, tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[int, str, bool]] = {}

    def claim(self, key: str, generation: int, owner: str) -> bool:
        with self._lock:
            current = self._items.get(key)
            if current is not None:
                held, holder, answered = current
                if answered or held > generation or (held == generation and holder != owner):
                    return False
            self._items[key] = (generation, owner, False)
            return True

    def answer(self, key: str, generation: int, owner: str) -> bool:
        with self._lock:
            current = self._items.get(key)
            if current is not None and current[2]:
                return False
            self._items[key] = (generation, owner, True)
            return True


class DynamoDbLedger:
    """The ledger shared by every invocation: one item per request in the write-budget table (``pk``), replaced
    only under a condition, so two invocations never both win."""

    def __init__(self, client: Any, table: str, ttl_seconds: int = 86400) -> None:
        self._client = client
        self._table = table
        self._ttl = ttl_seconds

    def _put(self, key: str, generation: int, owner: str, answered: bool, condition: str) -> bool:
        item: dict[str, Any] = {
            "pk": {"S": key},
            "generation": {"N": str(generation)},
            "holder": {"S": owner or "-"},
            "expires_at": {"N": str(int(time.time()) + self._ttl)},
        }
        if answered:
            item["answered"] = {"BOOL": True}
        kwargs: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition}
        if ":g" in condition:
            kwargs["ExpressionAttributeValues"] = {":g": {"N": str(generation)}, ":h": {"S": owner or "-"}}
        try:
            self._client.put_item(**kwargs)
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def claim(self, key: str, generation: int, owner: str) -> bool:
        condition = (
            "attribute_not_exists(pk) OR (attribute_not_exists(answered) AND "
            "(generation < :g OR (generation = :g AND holder = :h)))"
        )
        return self._put(key, generation, owner, False, condition)

    def answer(self, key: str, generation: int, owner: str) -> bool:
        return self._put(key, generation, owner, True, "attribute_not_exists(answered)")


class SelfInvoker:
    """Starts the continuation: an asynchronous invocation of the running function (its ARN from the context)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __call__(self, event: dict[str, Any], context: Any) -> None:
        arn = str(getattr(context, "invoked_function_arn", "") or "")
        if not arn:
            raise RuntimeError("the Lambda context has no invoked_function_arn to continue with")
        unqualified = ":".join(arn.split(":")[:7])  # arn:partition:lambda:region:account:function:name
        self._client.invoke(FunctionName=unqualified, InvocationType="Event", Payload=json.dumps(event).encode())
