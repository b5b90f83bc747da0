"""Errors of the provisioning domain: each names what is wrong and how to fix it, on one line, never a secret."""

from __future__ import annotations

from platform_cli.errors import PlatformError


class ProvisioningError(PlatformError):
    """A project's repositories could not be brought to their desired state."""


class InvalidRequestError(ProvisioningError):
    """The project request (CloudFormation properties or CLI arguments) is invalid."""


class TemplateRepoError(ProvisioningError):
    """A template repository is missing or not marked as a template repository."""


class GitHubAccessError(ProvisioningError):
    """The token was refused, or lacks the permissions the platform needs."""


class UnknownTeamError(ProvisioningError):
    """A team named in platform.yaml does not exist in the organisation."""


class RepoConflictError(ProvisioningError):
    """A repository with the project's name exists but was not created for this project."""


class DeadlineExceededError(ProvisioningError):
    """The work could not finish before the deadline (the Lambda's remaining time minus a margin)."""


class GenerationTimeoutError(DeadlineExceededError):
    """GitHub did not finish generating a repository from its template in time."""
