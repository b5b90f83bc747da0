"""Errors of the account bootstrap runner."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class BootstrapError(PlatformError):
    """The bootstrap could not run (bad options, missing script, unreachable account)."""


class CredentialsError(BootstrapError):
    """Credentials for one account could not be obtained."""
