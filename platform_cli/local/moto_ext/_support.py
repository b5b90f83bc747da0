"""Helpers shared by the extension modules (not itself an extension: the leading underscore keeps it undiscovered).

moto dispatches a request to the method of the service's ``*Response`` class named after the action in snake
case (``CreateUserProfile`` -> ``create_user_profile``) and serialises an ``ActionResult`` through botocore's
output shape for that operation. So an extension adds a plain function to the response class and keeps its state
on the per-account, per-region backend, where moto's reset (``POST /moto-api/reset``) clears it with the rest.
"""

from __future__ import annotations

import json
import random
import string
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from moto.core.exceptions import ServiceException

T = TypeVar("T")
_EXTENSION_STATE = "_mlops_ext_state"


def add_action(response_class: type, name: str, handler: Callable[..., Any]) -> None:
    """Serve action ``name`` (snake case) with ``handler(self)`` on ``response_class``, replacing moto's if any."""
    handler.__name__ = name
    handler.__qualname__ = f"{response_class.__name__}.{name}"
    setattr(response_class, name, handler)


# The server answers requests on many threads: Terraform associates two principals with a portfolio at once, and
# each must find the same state, not a fresh one the other then overwrites (the association lost, the provider
# polling ListPrincipalsForPortfolio for minutes).
_STATE_LOCK = threading.Lock()


def state(backend: Any, key: str, factory: Callable[[], T]) -> T:
    """Per-backend extension state, created once on first use (by whichever thread comes first) and dropped by
    moto's reset with the backend's own."""
    store: dict[str, Any] | None = backend.__dict__.get(_EXTENSION_STATE)
    if store is None or key not in store:
        with _STATE_LOCK:
            store = backend.__dict__.setdefault(_EXTENSION_STATE, {})
            if key not in store:
                store[key] = factory()
    value: T = store[key]
    return value


def json_response(data: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    """A JSON-protocol answer written as is, for fields that botocore's model in moto's environment predates
    (moto's serialiser drops members its model does not know, e.g. CreateDomain's ``DomainId``)."""
    return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(data)


def random_id(prefix: str, length: int = 12, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    """An id shaped like AWS's (``d-1a2b3c4d5e6f``, ``pa-abcdefghijklm``); not secret, so ``random`` will do."""
    return prefix + "".join(random.choices(alphabet, k=length))  # noqa: S311


def tags_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}


def tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class ServiceError(ServiceException):
    """An error whose code is one of the operation's modelled errors; moto serialises status and body from it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
