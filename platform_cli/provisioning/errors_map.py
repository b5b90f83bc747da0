"""Translate PyGithub exceptions into one-line, actionable ``ProvisioningError``s (never a token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from github.GithubException import BadCredentialsException, GithubException, RateLimitExceededException

from platform_cli.errors import PlatformError
from platform_cli.github.exceptions import DeadlineExceededError as GitHubDeadlineError
from platform_cli.provisioning.exceptions import DeadlineExceededError, GitHubAccessError, ProvisioningError


def github_message(error: GithubException) -> str:
    data = error.data
    message = data.get("message") if isinstance(data, dict) else None
    text = " ".join(str(message or "").split())
    return text[:160]


def translate(error: Exception, doing: str) -> PlatformError:
    """The ``PlatformError`` to raise for ``error`` raised while ``doing``."""
    if isinstance(error, GitHubDeadlineError):
        return DeadlineExceededError(str(error))
    if isinstance(error, PlatformError):
        return error
    if isinstance(error, BadCredentialsException):
        return GitHubAccessError(
            f"GitHub refused the token (401 bad credentials) while {doing}; "
            "store a valid one with `mlops github set-credentials`"
        )
    if isinstance(error, RateLimitExceededException):
        return ProvisioningError(f"GitHub rate limit exceeded while {doing}; retry after the limit resets")
    if isinstance(error, GithubException):
        status = error.status
        if status in (401, 403):
            return GitHubAccessError(
                f"the GitHub token is not allowed to {doing} ({status}: {github_message(error) or 'forbidden'}); "
                "grant it repository administration, actions variables/secrets and environments permissions"
            )
        if status >= 500:
            return ProvisioningError(f"GitHub kept failing ({status}) while {doing}; retry later")
        return ProvisioningError(f"GitHub answered {status} while {doing}: {github_message(error) or 'no message'}")
    if isinstance(error, requests.RequestException):
        url = str(getattr(getattr(error, "request", None), "url", "") or "")
        host = url.split("://", 1)[-1].split("/", 1)[0] if url else "GitHub"
        return ProvisioningError(
            f"could not reach GitHub at {host} while {doing} ({type(error).__name__}); check the network (or "
            "HTTPS_PROXY) and github.api_url in platform.yaml, then retry"
        )
    return ProvisioningError(f"unexpected {type(error).__name__} while {doing}; see the logs for details")


@contextmanager
def step(doing: str) -> Iterator[None]:
    """Run a block, turning any failure into a one-line ``PlatformError`` naming ``doing``."""
    try:
        yield
    except Exception as error:
        translated = translate(error, doing)
        if translated is error:
            raise
        raise translated from error
