"""Run a patch when a moto module is first imported, not before (not itself an extension: leading underscore).

Patching a CloudFormation model at registration would import ``moto.cloudformation``, which imports nearly every
moto service and adds seconds to the server's start. moto's server imports a service on its first request; these
hooks apply the patch right after that import, or at once when the module is already loaded.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_pending: dict[str, list[Callable[[], None]]] = {}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, name: str) -> None:
        self._loader = loader
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        for patch in _pending.pop(self._name, []):
            patch()


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _pending:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader, fullname)
        return spec


_finder = _Finder()


def after_import(module_name: str, patch: Callable[[], Any]) -> None:
    """Call ``patch()`` once ``module_name`` is imported: now if it already is, else right after its import."""
    if module_name in sys.modules:
        patch()
        return
    _pending.setdefault(module_name, []).append(patch)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
