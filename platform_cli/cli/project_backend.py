"""One interface for the project commands, two implementations, chosen once per command.

``AwsProjects`` (project_aws.py) creates and deletes projects through SageMaker (the template kind's Service
Catalog product; CloudFormation calls the provisioning Lambda). ``LocalProjects`` (project_local.py) drives the
embedded defaults. Which one runs is read once from the AWS session the configuration resolves to: a session whose
endpoint is this machine (the ``mlops-local*`` profiles, or ``AWS_ENDPOINT_URL``) is local AWS; any other is AWS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlparse

from platform_cli.config import PlatformConfig, TemplateKind
from platform_cli.errors import PlatformError
from platform_cli.project_templates.options import RETRAINING_KINDS
from platform_cli.project_templates.properties import BYOC_PARAMETER

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ProjectError(PlatformError):
    """A project command failed."""


@dataclass(frozen=True)
class NewProject:
    """What ``mlops project create`` asks for."""

    name: str
    kind: TemplateKind
    business_unit: str
    project_id: str | None = None
    user: str | None = None
    delete_policy: str = "archive"
    timeout_seconds: float = 300.0  # the whole create, its rollback included, counted from ``started``
    bring_your_own_container: bool = False  # issue 17 item 1: the container-build repo and the ECR repositories
    started: float = field(default_factory=time.monotonic)
    retrain_on_new_data: bool = False  # issue 17 item 2: the template's RetrainOnNewData parameter

    def template_parameters(self) -> dict[str, str]:
        """The project template's own parameters this request sets (Studio shows them as the template's options)."""
        parameters: dict[str, str] = {}
        if self.retrain_on_new_data:  # issue 17 item 2
            parameters["RetrainOnNewData"] = "true"
        if self.bring_your_own_container:  # issue 17 item 1
            parameters[BYOC_PARAMETER] = "true"
        return parameters


# --- issue 17 item 2: retrain on new data ---------------------------------------------------------------------------
def check_retrain_option(kind: TemplateKind, retrain_on_new_data: bool) -> None:
    if retrain_on_new_data and kind not in RETRAINING_KINDS:
        allowed = ", ".join(sorted(k.value for k in RETRAINING_KINDS))
        raise ProjectError(f"--retrain-on-new-data: template {kind.value} has no model-build pipeline; use {allowed}")


# --- end issue 17 item 2 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSummary:
    """One row of ``mlops project list``."""

    name: str
    id: str
    status: str
    template: str
    repositories: tuple[str, ...] = ()  # owner/name of each of its repositories, where the backend knows them
    created: str | None = None  # ISO 8601, UTC

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "status": self.status,
            "template": self.template,
            "repositories": list(self.repositories),
            "created": self.created,
        }


class ProjectBackend(Protocol):
    """Where projects live. Every method raises ``ProjectError`` (one actionable line) for expected failures."""

    name: str

    def create(self, request: NewProject) -> dict[str, Any]:
        """Create the project; its record (at least ProjectName and ProjectId)."""
        ...

    def list(self) -> list[ProjectSummary]:
        """Every project, all pages."""
        ...

    def record(self, name: str, github: Any) -> dict[str, Any]:
        """ProjectName, ProjectId, TemplateKind and the custom resource's Properties, for describe and sync."""
        ...

    def delete_question(self, name: str) -> str:
        """The confirmation question for deleting ``name`` (raises when there is no such project)."""
        ...

    def delete(self, name: str) -> dict[str, Any]:
        """Delete the project; what was done."""
        ...


def endpoint_is_local(endpoint_url: str | None) -> bool:
    """True for an endpoint on this machine (local AWS), False for AWS itself."""
    return bool(endpoint_url) and urlparse(endpoint_url).hostname in LOCAL_HOSTS


def session_endpoint(session: Any) -> str:
    """Where the session's SageMaker calls go: botocore resolves the profile's or environment's ``endpoint_url``
    (no call is made)."""
    return str(session.client("sagemaker").meta.endpoint_url)


def select_backend(config: PlatformConfig, session: Any) -> ProjectBackend:
    """The one backend a command talks to, chosen from where ``session`` points."""
    if endpoint_is_local(session_endpoint(session)):
        from platform_cli.cli.project_local import LocalProjects

        return LocalProjects(config, session)
    from platform_cli.cli.project_aws import AwsProjects

    return AwsProjects(config, session)
