"""Extensions registered on moto from outside: APIs the platform needs that moto lacks or answers wrongly.

One module per gap (``<service>_<topic>.py``), each exposing ``register() -> None`` that adds methods to moto's
backends/responses. Modules are discovered, so adding a gap never edits a shared list. Never copy moto's code:
call its public backends and extend them.

Registration is deferred per service, so the server starts without importing every extended service (moto's
CloudFormation alone pulls in EC2 and a dozen more: seconds on a busy machine). Every word of a module's name that
is a moto service names a service it extends (``sagemaker_domain`` -> sagemaker; ``s3_cloudformation_bucket_settings``
-> s3 and cloudformation); the module is imported and registered just before moto first serves a request of any of
those services or first touches one's backends. Both points are outside any import, so an extension may import
whatever moto modules it needs. A module naming no moto service is registered at once.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from typing import Any

# Extension prefixes whose moto package serves under another service name.
_SERVICE_OF_PACKAGE = {"awslambda": "lambda", "cognitoidp": "cognito-idp", "resourcegroupstaggingapi": "tagging"}
# Words naming a service whose moto package is spelled otherwise (``lambda_function_configuration``).
_SERVICE_WORDS = {"lambda": "lambda"}

_registered = False
_lock = threading.RLock()
_waiting: dict[str, list[str]] = {}  # moto service name -> extension modules not yet registered
_in_progress: set[str] = set()
_done: set[str] = set()  # extension modules registered


def _register(name: str) -> None:
    importlib.import_module(f"{__name__}.{name}").register()


def _services(name: str) -> set[str]:
    """The moto services named by the words of an extension's module name (``kms_cloudformation_tags``)."""
    services = set()
    for word in name.split("_"):
        if word in _SERVICE_WORDS:
            services.add(_SERVICE_WORDS[word])
            continue
        try:
            spec = importlib.util.find_spec(f"moto.{word}")
        except (ImportError, ValueError):
            spec = None
        found = spec is not None and spec.submodule_search_locations is not None  # a service package
        if found:
            services.add(_SERVICE_OF_PACKAGE.get(word, word))
    return services


def register_waiting(service: str | None) -> None:
    """Register the extensions of ``service`` that are still waiting (a no-op once done).

    A service leaves the waiting list only once all its extensions are registered, so another thread using it
    meanwhile waits on the lock rather than meeting moto unextended.
    """
    if not service or service not in _waiting:
        return
    with _lock:
        if service in _in_progress:  # a registration of this service touched its own backends
            return
        _in_progress.add(service)
        try:
            for name in _waiting.get(service, []):
                if name not in _done:
                    _register(name)
                    _done.add(name)
            _waiting.pop(service, None)
        finally:
            _in_progress.discard(service)


def _install_triggers() -> None:
    from moto.core.base_backend import BackendDict
    from moto.core.responses import BaseResponse

    moto_getitem = BackendDict.__getitem__
    moto_call_action = BaseResponse.call_action

    def getitem(self: Any, account_id: str) -> Any:
        register_waiting(getattr(self, "service_name", None))
        return moto_getitem(self, account_id)

    def call_action(self: Any) -> Any:
        register_waiting(getattr(self, "service_name", None))
        return moto_call_action(self)

    BackendDict.__getitem__ = getitem  # type: ignore[method-assign]
    BaseResponse.call_action = call_action  # type: ignore[method-assign]


def register_all() -> list[str]:
    """Register every extension once (deferred until moto first uses the service it extends); return their names."""
    global _registered
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    with _lock:
        if _registered:
            return names
        _registered = True
        now: list[str] = []
        for name in names:
            services = _services(name)
            if not services:
                now.append(name)
            for service in services:
                _waiting.setdefault(service, []).append(name)
        _install_triggers()
        for name in now:
            _register(name)
            _done.add(name)
    return names


def pending() -> dict[str, list[str]]:
    """Extensions still waiting for moto to use their service: ``{service: [module names]}``."""
    with _lock:
        waiting = {service: [name for name in names if name not in _done] for service, names in _waiting.items()}
        return {service: names for service, names in waiting.items() if names}
