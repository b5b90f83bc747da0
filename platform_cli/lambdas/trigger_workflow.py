"""EventBridge "SageMaker Model Package State Change" → dispatch the project's deploy workflow.

Only the configured approval statuses dispatch (``Approved`` by default, ``MLOPS_DISPATCH_STATUSES``). The
project is found from the model package group name, ``<project-name>-<project-id>`` (the name the project
templates give it); its dispatching repository and workflow come from the contract (``dispatch``). An unknown
project, a missing repository or an event of another kind is logged and ignored: no dispatch, no crash.
One rule routes approvals here (base infrastructure), and each model package version and status dispatches at
most once (``Claims``: a DynamoDB conditional write), however often EventBridge delivers the event.

A dispatch that GitHub refuses or that fails after the client's own bounded retries (5xx, dropped connections,
secondary rate limits) **fails the invocation**: the handler raises, so Lambda's asynchronous retries, the
dead-letter queue and its alarm see it. An approval is never lost silently.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from platform_cli.errors import PlatformError
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.exceptions import DispatchFailedError
from platform_cli.lambdas.jsonlog import configure, set_request_id
from platform_cli.lambdas.settings import LambdaSettings

if TYPE_CHECKING:
    from github import Github

# PyGithub and pydantic are imported on first use (fast cold start; see project_repos).

log = logging.getLogger("platform_cli.lambdas.trigger_workflow")
_GROUP = re.compile(r"^(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31})-(?P<id>p-[a-z0-9]{12})$")
DETAIL_TYPE = "SageMaker Model Package State Change"


@dataclass(frozen=True)
class Outcome:
    dispatched: bool
    reason: str
    repo: str | None = None
    workflow: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"dispatched": self.dispatched, "reason": self.reason, "repo": self.repo, "workflow": self.workflow}


def dispatch_targets() -> list[tuple[str, str, str]]:
    """``(part, workflow, input name)`` of every template repo that dispatches, from the contract."""

    from platform_cli.provisioning.contract import load_contract

    contract = load_contract()
    targets: list[tuple[str, str, str]] = []
    for parts in contract.template_kinds.values():
        for part, template_repo in parts.items():
            rules = contract.repo(template_repo)
            if rules.dispatch and (part, rules.dispatch.workflow, rules.dispatch.input) not in targets:
                targets.append((part, rules.dispatch.workflow, rules.dispatch.input))
    return targets


class Claims:
    """At most one dispatch per model package version and status: a DynamoDB conditional write of the key
    ``<ModelPackageArn>#<status>`` claims it; a dispatch that then fails releases the claim so a retry can."""

    def __init__(self, dynamodb: Any, table: str, ttl_seconds: int = 30 * 24 * 3600) -> None:
        self.dynamodb = dynamodb
        self.table = table
        self.ttl_seconds = ttl_seconds

    def claim(self, key: str) -> bool:
        import time

        from botocore.exceptions import ClientError

        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item={"id": {"S": key}, "expires": {"N": str(int(time.time()) + self.ttl_seconds)}},
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, key: str) -> None:
        self.dynamodb.delete_item(TableName=self.table, Key={"id": {"S": key}})


def handle_event(event: Any, github: Github, settings: LambdaSettings, claims: Claims | None = None) -> Outcome:
    """Decide and dispatch; never raises for an event it does not handle."""
    from github.GithubException import UnknownObjectException

    if not isinstance(event, dict) or event.get("detail-type") != DETAIL_TYPE:
        return Outcome(False, "not a model package state change event")
    detail = event.get("detail") or {}
    status = detail.get("ModelApprovalStatus")
    arn = detail.get("ModelPackageArn")
    group = detail.get("ModelPackageGroupName") or ""
    if status not in settings.dispatch_statuses:
        return Outcome(False, f"status {status!r} does not dispatch")
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return Outcome(False, "event has no ModelPackageArn")
    match = _GROUP.match(str(group))
    if not match:
        return Outcome(False, f"model package group {str(group)[:80]!r} does not belong to a platform project")
    project = f"{match['name']}-{match['id']}"
    for part, workflow_file, input_name in dispatch_targets():
        full_name = f"{settings.github_org}/{project}-{part}"
        try:
            repo = github.get_repo(full_name)
        except UnknownObjectException:
            continue
        if match["id"] not in (repo.topics or []):
            log.warning("repository does not carry the project id topic; not dispatching", extra={"repo": full_name})
            continue
        try:
            workflow = repo.get_workflow(workflow_file)
        except UnknownObjectException:
            return Outcome(False, f"{full_name} has no workflow {workflow_file}", full_name, workflow_file)
        ref = repo.default_branch or settings.dispatch_ref
        key = f"{arn}#{status}"
        if claims is not None and not claims.claim(key):
            return Outcome(False, "already dispatched for this model package version and status", full_name)
        try:
            dispatched = workflow.create_dispatch(ref, inputs={input_name: arn})
        except BaseException:
            if claims is not None:
                claims.release(key)
            raise
        if not dispatched:
            if claims is not None:
                claims.release(key)
            raise PlatformError(f"GitHub refused to dispatch {workflow_file} on {full_name}; check the workflow")
        return Outcome(True, "dispatched", full_name, workflow_file)
    return Outcome(False, f"unknown project {project}: no deploy repository found")


ClientFactory = Callable[[Deadline], "Github"]


def run(
    event: Any, context: Any, github: ClientFactory, settings: LambdaSettings, claims: Claims | None = None
) -> dict[str, Any]:
    """Handle one event with logging. A failed dispatch (after the client's bounded retries) is logged and
    raised as :class:`DispatchFailedError`, so the invocation fails and Lambda retries it, then hands the event
    to the dead-letter queue."""
    event_id = event.get("id", "") if isinstance(event, dict) else ""
    set_request_id(str(getattr(context, "aws_request_id", "") or event_id or ""))
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    remaining = get_remaining() / 1000.0 if callable(get_remaining) else 60.0
    deadline = Deadline(max(remaining - 5.0, 1.0))
    from platform_cli.provisioning.errors_map import translate

    try:
        outcome = handle_event(event, github(deadline), settings, claims)
    except Exception as error:
        reason = str(translate(error, "dispatching the deploy workflow"))
        log.error("dispatch failed", extra={"reason": reason})
        raise DispatchFailedError(reason) from None
    log.info("model package event handled", extra=outcome.as_dict())
    return outcome.as_dict()


def handler(event: Any, context: Any) -> dict[str, Any]:
    """AWS Lambda entry point."""
    configure("trigger_workflow")
    from platform_cli.lambdas.project_repos import default_dependencies

    try:
        dependencies = default_dependencies()
    except PlatformError as error:
        log.error("trigger_workflow is misconfigured", extra={"reason": str(error)})
        raise DispatchFailedError(f"trigger_workflow is misconfigured: {error}") from None
    claims = None
    if dependencies.settings.dispatch_table:
        import boto3

        claims = Claims(boto3.client("dynamodb"), dependencies.settings.dispatch_table)
    return run(event, context, dependencies.github, dependencies.settings, claims)
