"""Errors of the local forge that a user can act on (start-up, admin client)."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class ForgeError(PlatformError):
    """The local forge could not do what was asked."""


class ForgeStartError(ForgeError):
    """The forge server did not start (port taken, state directory unusable, git missing)."""


class ForgeAdminError(ForgeError):
    """The forge's admin API refused a request (wrong admin token, unknown user/org, bad input)."""
