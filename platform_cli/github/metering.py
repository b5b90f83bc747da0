"""Count the HTTP requests PyGithub makes (tests and benchmarks): calls and writes per unit of work.

``install()`` swaps PyGithub's connection classes for counting subclasses (PyGithub's own test hook,
``Requester.injectConnectionClasses``); each request is charged to the ``Meter`` active in the current context
(``with meter.active(): ...``), so concurrent work in threads is counted separately. Not used by the Lambdas.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester

_current: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("github_meter", default=None)


@dataclass
class Meter:
    """Requests made while active: ``(verb, path)`` in order."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(verb, path) for verb, path in self.requests if verb != "GET"]

    def record(self, verb: str, url: str) -> None:
        with self._lock:
            self.requests.append((verb, url.split("?", 1)[0]))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    @contextmanager
    def active(self) -> Iterator[Meter]:
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


def _charge(verb: str, url: str) -> None:
    meter = _current.get()
    if meter is not None:
        meter.record(verb, url)


class _MeteredHTTP(HTTPRequestsConnectionClass):
    def request(self, verb: str, url: str, input: Any, headers: dict[str, str], stream: bool = False) -> None:
        _charge(verb, url)
        super().request(verb, url, input, headers, stream)


class _MeteredHTTPS(HTTPSRequestsConnectionClass):
    def request(self, verb: str, url: str, input: Any, headers: dict[str, str], stream: bool = False) -> None:
        _charge(verb, url)
        super().request(verb, url, input, headers, stream)


def install() -> None:
    """Route PyGithub's requests through the counting connection classes (idempotent)."""
    Requester.injectConnectionClasses(_MeteredHTTP, _MeteredHTTPS)


def uninstall() -> None:
    Requester.resetConnectionClasses()
