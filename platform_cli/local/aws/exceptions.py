"""Errors of local AWS: each names what is wrong and how to fix it, on one line."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class LocalAwsError(PlatformError):
    """Local AWS could not be started, reached or stopped."""


class LocalAwsNotRunningError(LocalAwsError):
    """No local AWS server is recorded in the state directory, or it is no longer alive."""


class UnknownAccountError(LocalAwsError):
    """An account or environment name that local AWS does not serve."""
