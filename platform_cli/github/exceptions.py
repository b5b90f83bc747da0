"""Errors of the GitHub client layer (one line, actionable, never a token)."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class GitHubClientError(PlatformError):
    """The GitHub client could not be built or used."""


class CredentialsError(GitHubClientError):
    """The stored GitHub credentials are malformed or incomplete."""


class DeadlineExceededError(GitHubClientError):
    """A wait (retry, rate limit, generation) would run past the deadline."""
