"""Errors of the Lambda entry points (one line, actionable, never a secret)."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class LambdaError(PlatformError):
    """A Lambda could not do its work."""


class LambdaConfigError(LambdaError):
    """The Lambda's environment variables are missing or invalid."""


class EventError(LambdaError):
    """The event is malformed (missing keys, unknown request type)."""


class TrustUpdateError(LambdaError):
    """The OIDC roles' trust could not be given (or cleared of) the project's repositories."""


class AccountNotReadyError(TrustUpdateError):
    """An account whose base infrastructure (its OIDC role, its ``<prefix>-project-trust`` role) is not applied yet."""

    # True when the role could not be read (AccessDenied) rather than found missing: it may exist and trust the project.
    unreadable: bool = False


class DispatchFailedError(LambdaError):
    """A deploy workflow could not be dispatched; raised so the invocation fails (retries, then the DLQ)."""
