"""Extensions registered on moto from outside: APIs the platform needs that moto lacks or answers wrongly.

One module per gap (``<service>_<topic>.py``), each exposing ``register() -> None`` that adds methods to moto's
backends/responses. Modules are discovered, so adding a gap never edits a shared list. Never copy moto's code:
call its public backends and extend them.

Registration is deferred per service: the ``<service>`` prefix of a module's name names the moto package it
extends (``sagemaker_domain`` -> ``moto.sagemaker``), and the module is imported and registered right after moto
first imports that package (the first request to the service, or another service's model needing it, as
CloudFormation's do). So the server starts without importing every extended service (moto's CloudFormation alone
pulls in EC2 and a dozen others: seconds on a busy machine). A module whose prefix names no moto package is
registered at once.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import pkgutil
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

_registered = False
_lock = threading.RLock()


def _register(name: str) -> None:
    importlib.import_module(f"{__name__}.{name}").register()


def _moto_package(name: str) -> str | None:
    """``moto.<service>`` for an extension named ``<service>_<topic>``, when moto has that package."""
    package = f"moto.{name.split('_', 1)[0]}"
    try:
        return package if importlib.util.find_spec(package) is not None else None
    except (ImportError, ValueError):
        return None


class _RegisterAfterExec(importlib.abc.Loader):
    """Runs moto's own loader for a package, then registers the extensions waiting for it."""

    def __init__(self, loader: importlib.abc.Loader, package: str, finder: _DeferredRegistration) -> None:
        self._loader = loader
        self._package = package
        self._finder = finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._finder.register_waiting(self._package)


class _DeferredRegistration(importlib.abc.MetaPathFinder):
    """Watches imports of the moto packages that extensions wait for."""

    def __init__(self) -> None:
        self.waiting: dict[str, list[str]] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.waiting:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _RegisterAfterExec(spec.loader, fullname, self)
                return spec
        return None

    def register_waiting(self, package: str) -> None:
        with _lock:
            names = self.waiting.pop(package, [])
        for name in names:
            _register(name)


_deferred = _DeferredRegistration()


def register_all() -> list[str]:
    """Register every extension once (deferred until moto imports the service it extends); return their names."""
    global _registered
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    with _lock:
        if _registered:
            return names
        _registered = True
        now: list[str] = []
        for name in names:
            package = _moto_package(name)
            if package is None or package in sys.modules:
                now.append(name)
            else:
                _deferred.waiting.setdefault(package, []).append(name)
        if _deferred.waiting and _deferred not in sys.meta_path:
            sys.meta_path.insert(0, _deferred)
    for name in now:
        _register(name)
    return names


def pending() -> dict[str, list[str]]:
    """Extensions still waiting for moto to import their service: ``{moto package: [module names]}``."""
    with _lock:
        return {package: list(names) for package, names in _deferred.waiting.items()}
