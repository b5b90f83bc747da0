"""A local GitHub-compatible forge: GitHub's REST v3 subset the platform uses, under ``/api/v3`` (so PyGithub's
``base_url`` works unchanged), real git repositories over smart HTTP, sealed Actions secrets, and fault injection.

Public API: ``ForgeServer`` (in-process), ``start_background``/``stop``/``status`` (a separate process),
``ForgeAdmin`` (admin API client), ``Faults`` (injection settings).
"""

from __future__ import annotations

from platform_cli.local.forge.admin import ForgeAdmin
from platform_cli.local.forge.faults import Faults
from platform_cli.local.forge.server import ForgeHandle, ForgeServer, start_background, status, stop

__all__ = ["Faults", "ForgeAdmin", "ForgeHandle", "ForgeServer", "start_background", "status", "stop"]
