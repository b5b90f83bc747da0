"""Extensions registered on moto from outside: APIs the platform needs that moto lacks or answers wrongly.

One module per gap (``<service>_<topic>.py``), each exposing ``register() -> None`` that adds methods to moto's
backends/responses. Modules are discovered, so adding a gap never edits a shared list. Never copy moto's code:
call its public backends and extend them.
"""

from __future__ import annotations

import importlib
import pkgutil

_registered = False


def register_all() -> list[str]:
    """Import every extension module and call its ``register()`` once; return their names."""
    global _registered
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    if not _registered:
        for name in names:
            importlib.import_module(f"{__name__}.{name}").register()
        _registered = True
    return names
