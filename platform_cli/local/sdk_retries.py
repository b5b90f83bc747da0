"""A request the AWS SDK retries after its first attempt was served is answered once, not executed twice.

Every AWS SDK (botocore, aws-sdk-go-v2 in Terraform's provider) sends the same ``amz-sdk-invocation-id`` header on
every attempt of one call, and retries a call whose answer it did not get: a connection that broke before the
answer arrived, a read timeout, a 5xx. On a loaded machine the local server sometimes executes a request whose
answer the client never reads (seen: Terraform retried CreatePolicy and PutRolePolicy whose first attempt the
server had evaluated and executed). Executing the retry again turns a create into ``409 EntityAlreadyExists`` and
fails a correct apply. AWS itself answers a lost create's retry with the conflict too, but there the first answer
is practically never lost; here the loss is the emulator's, so the emulator absorbs it.

:class:`AttemptLedger` keeps the answer of each state-changing call (not GET/HEAD, which repeat harmlessly) by
invocation id; a later attempt with the same id gets that answer again, and an attempt arriving while the first
is still running waits for it. An answer of 500 or more is not kept: that attempt failed, the retry runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"  # WSGI spelling of amz-sdk-invocation-id
REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_KEPT = 4096  # invocations remembered; a retry follows its first attempt within seconds
MAX_BODY = 1 << 20  # larger answers are not kept (none of the creates the SDKs retry answer that much)
WAIT_SECONDS = 900.0  # how long a retry waits for its first attempt still being served

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class _Answer:
    done: threading.Event = field(default_factory=threading.Event)
    status: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None  # None: not replayable (failed, too large, or still running)


class AttemptLedger:
    """WSGI middleware: the answers of state-changing calls, by SDK invocation id."""

    def __init__(self, app: WsgiApp, max_kept: int = MAX_KEPT, wait_seconds: float = WAIT_SECONDS) -> None:
        self.app = app
        self.max_kept = max_kept
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self.replayed = 0  # attempts answered from the ledger (tests and the bench read it)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation = environ.get(INVOCATION_HEADER)
        if not invocation or environ.get("REQUEST_METHOD", "GET") in REPEATABLE_METHODS:
            return self.app(environ, start_response)
        with self._lock:
            earlier = self._answers.get(invocation)
            if earlier is None:
                answer = _Answer()
                self._answers[invocation] = answer
                while len(self._answers) > self.max_kept:
                    self._answers.popitem(last=False)
        if earlier is not None:
            earlier.done.wait(self.wait_seconds)
            if earlier.body is not None and earlier.status is not None:
                self.replayed += 1
                start_response(earlier.status, list(earlier.headers))
                return [earlier.body]
            # The first attempt failed (or is stuck): this attempt runs, as on AWS.
            return self.app(environ, start_response)
        return self._serve_and_keep(answer, environ, start_response)

    def _serve_and_keep(
        self, answer: _Answer, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        def keeping_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer.status, answer.headers = status, list(headers)
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, keeping_start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except BaseException:
            answer.done.set()
            raise
        code = int((answer.status or "500").split(" ", 1)[0])
        if code < 500 and len(body) <= MAX_BODY:
            answer.body = body
        answer.done.set()
        return [body]


def install() -> None:
    """Put the ledger in front of moto's server application (its domain dispatcher), once."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_mlops_attempt_ledger", False):
        return
    dispatch = DomainDispatcherApplication.__call__
    ledgers: dict[int, AttemptLedger] = {}
    lock = threading.Lock()

    def through_ledger(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock:
            ledger = ledgers.get(id(self))
            if ledger is None:
                ledger = ledgers[id(self)] = AttemptLedger(lambda env, respond: dispatch(self, env, respond))
        return ledger(environ, start_response)

    DomainDispatcherApplication.__call__ = through_ledger  # type: ignore[method-assign]
    DomainDispatcherApplication._mlops_attempt_ledger = True  # type: ignore[attr-defined]
