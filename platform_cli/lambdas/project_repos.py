"""``Custom::ProjectRepos``: the CloudFormation custom resource that turns a SageMaker project into configured
GitHub repositories.

State machine (``ProjectReposResource``):

* Create → reconcile the project's repos; PhysicalResourceId ``<org>/<project>-<id>`` (stable); Data has each
  part's URLs (``BuildRepoUrl``, ``BuildCloneUrl``, ``BuildRepoName``, ...) and ``ProjectNameLower``.
* Update → reconcile to the new properties. A new name or id is a new PhysicalResourceId (a new resource):
  CloudFormation then sends Delete for the old one.
* Delete → apply the delete policy (archive | delete | retain). A Delete whose Create failed (PhysicalResourceId
  ``failed:...``) or whose properties never validated succeeds, cleaning up best-effort.

Every path answers: the event is parsed inside the try, a timer answers FAILED at the remaining time minus
``answer_margin`` if the work has not, and every GitHub wait stops at the remaining time minus
``deadline_margin``. Reasons are one redacted line. With a ``Continuation`` (the deployed Lambda), running out of
this invocation's time while CloudFormation still waits hands the request to a new invocation instead of answering
FAILED (``continuation.py``); the invocation that finishes answers, once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from platform_cli.errors import PlatformError
from platform_cli.github.budget import WriteBudget, queued_since
from platform_cli.github.deadline import Deadline
from platform_cli.lambdas.cfn import Answer, Response, Sender, put_response
from platform_cli.lambdas.exceptions import EventError
from platform_cli.lambdas.jsonlog import configure, set_request_id
from platform_cli.lambdas.settings import LambdaSettings

if TYPE_CHECKING:
    from github import Github

    from platform_cli.lambdas.continuation import Ledger
    from platform_cli.lambdas.project_registries import RegistryMaintainer
    from platform_cli.lambdas.project_trust import TrustMaintainer
    from platform_cli.provisioning.reconcile import Reconciler, ReconcileResult
    from platform_cli.provisioning.request import ProjectRequest

# PyGithub and pydantic are imported on first use, not at module import: a cold start stays fast, and should the
# artifact be broken (an import failing), the handler still answers CloudFormation FAILED instead of hanging it.

log = logging.getLogger("platform_cli.lambdas.project_repos")
FAILED_PREFIX = "failed:"
ClientFactory = Callable[[Deadline], "Github"]


@dataclass
class Dependencies:
    settings: LambdaSettings
    github: ClientFactory
    resolve_secret: Callable[[str], str] | None = None
    send: Sender = put_response
    reconciler: Callable[[Github, Deadline, LambdaSettings], Reconciler] | None = None
    credentials: Any = None  # the CredentialCache (read once, reused across warm invocations)
    # Admits the project's repositories to the OIDC roles' trust (and removes them on Delete); None where no
    # base infrastructure exists to trust (unit tests).
    trust: TrustMaintainer | None = None
    # The Studio user profile that created the SageMaker project of this name, None when none did (studio_user.py);
    # None: no SageMaker to ask (unit tests).
    studio_user: Callable[[str], str | None] | None = None
    # Continues a request in a new invocation when this one runs out of time (continuation.py); None: answer
    # FAILED instead (unit tests).
    continuation: Continuation | None = None
    sleep: Callable[[float], None] = time.sleep
    # Creates a bring-your-own-container project's ECR repository in preprod and prod (issue 17 item 1); None where
    # no base infrastructure exists there.
    registries: RegistryMaintainer | None = None
    # GitHub's write budget the clients of ``github`` share: a request waits its turn in it before reading GitHub
    # (budget.py); None: no waiting for a turn (unit tests).
    budget: WriteBudget | None = None


@dataclass(frozen=True)
class Continuation:
    """Where the requests' ledger lives and how to start the next invocation (``invoke(event, context)``)."""

    ledger: Ledger
    invoke: Callable[[dict[str, Any], Any], None]


def _reconciler(github: Github, deadline: Deadline, settings: LambdaSettings) -> Reconciler:
    from platform_cli.provisioning.reconcile import Reconciler

    return Reconciler(github, deadline, generation_timeout=settings.generation_timeout_seconds)


def name_attributes(project_name: str) -> dict[str, str]:
    """Names the project stack reads from the answer: SageMaker may write resource names into ARNs in lower case
    (pipeline "Churn-build" is .../pipeline/churn-build) and CloudFormation has no lower-case function, so the
    stack scopes policies on SageMaker resources with ``ProjectNameLower`` too (RetrainStartRole)."""
    return {"ProjectNameLower": project_name.lower()}


def _data(result: ReconcileResult, project_name: str) -> dict[str, str]:
    data: dict[str, str] = name_attributes(project_name)
    for repo in result.repos:
        key = repo.part.capitalize()
        data[f"{key}RepoName"] = repo.full_name
        data[f"{key}RepoUrl"] = repo.html_url
        data[f"{key}CloneUrl"] = repo.clone_url
    data["RepoNames"] = ",".join(repo.full_name for repo in result.repos)
    if result.skipped:  # what the org's GitHub plan does not allow (CloudFormation's response stays < 4 KB)
        data["Skipped"] = "; ".join(result.skipped)[:1500]
    return data


def _deploy_accounts(request: Any) -> dict[str, str]:
    """{environment: account} of the project's preprod and prod (the ECR repositories the provisioning keeps)."""
    return {env: target.account_id for env, target in request.environments.items() if env != "dev"}


def _refuse_template_kind_change(event: Mapping[str, Any], physical_id: str) -> None:
    """The repos of a project come from its template kind's template repos: an Update that changes the kind of
    the same project (same PhysicalResourceId) would report SUCCESS while the repos stay the old kind's."""
    old_kind = str((event.get("OldResourceProperties") or {}).get("TemplateKind") or "")
    new_kind = str((event.get("ResourceProperties") or {}).get("TemplateKind") or "")
    if old_kind and new_kind != old_kind and str(event.get("PhysicalResourceId") or "") == physical_id:
        raise EventError(
            f"TemplateKind cannot change from {old_kind[:40]} to {new_kind[:40]} on update; "
            "create a new project with the new template instead"
        )


def _resumable(error: PlatformError) -> bool:
    """Errors a later invocation can get past: this one ran out of time (its own, or a wait for the shared write
    budget that would outlast it). Not a slow template generation (its own bound) nor anything else."""
    from platform_cli.github.exceptions import DeadlineExceededError as ClientDeadline
    from platform_cli.provisioning.exceptions import DeadlineExceededError, GenerationTimeoutError

    return isinstance(error, DeadlineExceededError | ClientDeadline) and not isinstance(error, GenerationTimeoutError)


class _Run:
    """One invocation's place in its request: claimed in the ledger, CloudFormation's remaining wait, hand-over."""

    def __init__(self, event: dict[str, Any], context: Any, settings: LambdaSettings, relay: Continuation | None):
        from platform_cli.lambdas.continuation import checkpoint_of, idempotency_key

        self._clock = time.time
        self.event, self.context, self.settings, self.relay = event, context, settings, relay
        # CloudFormation's wait: the template's ServiceTimeout where it gives one, else the configured default.
        self.service_timeout = _service_timeout(event) or settings.service_timeout_seconds
        checkpoint = checkpoint_of(event, self._clock(), self.service_timeout)
        self.checkpoint = checkpoint if relay is not None else replace(checkpoint, generation=0)
        self.generation = self.checkpoint.generation
        self.key = idempotency_key(event)
        self.owner = str(getattr(context, "aws_request_id", "") or "")
        self.handed_over = False

    def claimed(self) -> bool:
        """Whether to work on the request. A ledger that cannot be read does not stop the work (the reconcile is
        idempotent): an unanswered request is worse than one worked on twice."""
        if self.relay is None:
            return True
        try:
            return self.relay.ledger.claim(self.key, self.generation, self.owner)
        except Exception:
            log.exception("the continuation ledger could not be read; working on the request")
            return True

    def cloudformation_left(self) -> float:
        """Seconds until CloudFormation stops waiting (its ServiceTimeout from the first invocation), minus a margin
        to answer in; unbounded without continuation (the invocation's own time is the bound then)."""
        if self.relay is None:
            return float("inf")
        ends = self.checkpoint.started + self.service_timeout - self.answer_reserve()
        return ends - self._clock()

    def answer_reserve(self) -> float:
        """The end of CloudFormation's wait kept for the last invocation to answer in: the configured margin, but
        never more than a tenth of the wait. A short ``ServiceTimeout`` (``mlops project create --timeout 300``
        gives 150 s) would otherwise leave the work almost nothing: a 120 s margin there left a 10 s deadline,
        and the first wait for the shared write budget failed the project."""
        return min(self.settings.continuation_margin_seconds, self.service_timeout / 10.0)

    def hand_over(self) -> bool:
        """Start the next invocation if CloudFormation's wait leaves it enough time; whether it was started."""
        from platform_cli.lambdas.continuation import next_event

        if self.relay is None or self.cloudformation_left() < self.settings.continuation_min_seconds:
            return False
        try:
            self.relay.invoke(next_event(self.event, self.checkpoint), self.context)
        except Exception:
            log.exception("could not start the continuation; answering instead")
            return False
        self.handed_over = True
        log.info("handed the request to a continuation", extra={"generation": self.generation + 1})
        return True

    def may_answer(self) -> bool:
        """Whether nobody answered yet; a ledger that cannot be written lets the answer through (CloudFormation keeps
        the first answer it receives; no answer at all would leave the stack waiting)."""
        if self.relay is None:
            return True
        try:
            return self.relay.ledger.answer(self.key, self.generation, self.owner)
        except Exception:
            log.exception("the continuation ledger could not be written; answering anyway")
            return True


def _service_timeout(event: Mapping[str, Any] | None) -> float | None:
    """The custom resource's ``ServiceTimeout`` (how long CloudFormation waits for the answer; ``mlops project
    create --timeout`` sets it), or ``None`` when the template gives none."""
    properties = (event or {}).get("ResourceProperties")
    given = properties.get("ServiceTimeout") if isinstance(properties, Mapping) else None
    try:
        waited = float(given) if given not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return waited if waited and waited > 0 else None


def _remaining_seconds(context: Any, event: Mapping[str, Any] | None = None) -> float:
    """Time left to answer: the invocation's, and no more than the custom resource's ``ServiceTimeout``."""
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    remaining = get_remaining() / 1000.0 if callable(get_remaining) else 900.0
    waited = _service_timeout(event)
    return min(remaining, waited) if waited else remaining


class ProjectReposResource:
    """Handles one custom-resource event; always answers exactly once."""

    def __init__(self, dependencies: Dependencies) -> None:
        self.deps = dependencies

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        event = event if isinstance(event, dict) else {}
        answer = Answer(event, self.deps.send)
        settings = self.deps.settings
        remaining = _remaining_seconds(context, event)
        fallback_id = self._fallback_id(event)
        relay = self.deps.continuation
        run = _Run(event, context, settings, relay)
        if not run.claimed():
            log.info("another invocation carries this request; stopping", extra={"generation": run.generation})
            return {"Continued": False, "Duplicate": True}
        deadline = Deadline(max(min(remaining, run.cloudformation_left()) - settings.deadline_margin_seconds, 1.0))
        settled = threading.Lock()
        state = {"settled": False}

        def settle() -> bool:
            with settled:
                if state["settled"]:
                    return False
                state["settled"] = True
                return True

        def finish(response: Response) -> None:
            if run.may_answer():
                answer(response)
            if self.deps.budget is not None:
                self.deps.budget.release(run.key)  # answered: the next oldest request may write

        def answer_timed_out() -> None:
            if not settle():
                return
            # Settled: nothing more may be written (a rollback Delete must not race a still-running Create).
            deadline.cancel("CloudFormation was already answered (timed out) or the request handed over")
            if run.hand_over():
                return
            reason = "provisioning timed out before finishing; retry (work done is kept)"
            finish(Response("FAILED", reason, fallback_id))

        timer = threading.Timer(max(remaining - settings.answer_margin_seconds, 0.1), answer_timed_out)
        timer.daemon = True
        timer.start()
        resumable = False
        try:
            set_request_id(str(event.get("RequestId") or getattr(context, "aws_request_id", "") or ""))
            # The budget serves the oldest request first: this one's age is its first invocation's start. It writes
            # in turns only where the turn is given back on answering (the budget is known here; see finish).
            turns = run.key if self.deps.budget is not None else ""
            with queued_since(run.checkpoint.started, turns):
                response = self._handle(event, deadline)
        except PlatformError as error:
            resumable = relay is not None and _resumable(error)
            if resumable:
                log.info("this invocation's time is used up; continuing if CloudFormation still waits")
            else:
                log.warning("custom resource failed", extra={"reason": str(error)})
            response = Response("FAILED", str(error), self._failed_id(event, fallback_id))
        except Exception as error:
            log.exception("unexpected error in custom resource")
            request_id = getattr(context, "aws_request_id", "") or event.get("RequestId", "")
            response = Response(
                "FAILED",
                f"internal error ({type(error).__name__}); see the Lambda's logs for request {request_id}",
                self._failed_id(event, fallback_id),
            )
        finally:
            timer.cancel()
        if resumable:
            # Nothing to gain from starting the next invocation sooner (it would meet the same wait at once, read
            # GitHub again and hand over again: a spin that spends GitHub's request limit): use this one's time.
            idle = deadline.remaining() - 1.0
            if idle > 0:
                log.info("waiting out this invocation before handing over", extra={"seconds": round(idle, 1)})
                self.deps.sleep(idle)
        if settle():
            deadline.cancel("CloudFormation was already answered")
            if resumable and run.hand_over():
                return {"Continued": True, "Generation": run.generation + 1}
            finish(response)
        if answer.sent is None and state["settled"] and run.handed_over:
            return {"Continued": True, "Generation": run.generation + 1}
        sent = answer.sent or response
        return sent.body(event)

    # -- the state machine --------------------------------------------------------------------------------------

    def _handle(self, event: dict[str, Any], deadline: Deadline) -> Response:
        request_type = event.get("RequestType")
        if request_type not in ("Create", "Update", "Delete"):
            raise EventError(f"unknown RequestType {str(request_type)[:20]!r}; expected Create, Update or Delete")
        for key in ("ResponseURL", "StackId", "RequestId", "LogicalResourceId"):
            if not event.get(key):
                raise EventError(f"custom resource event has no {key}")
        properties = event.get("ResourceProperties") or {}
        log.info("custom resource event", extra={"request_type": request_type})
        if request_type == "Delete":
            return self._delete(event, properties, deadline)
        from platform_cli.lambdas.properties import secret_fingerprints
        from platform_cli.provisioning.desired import desired_repos

        request = self._bound_to_studio_user(self._request(properties))
        rotate: set[str] = set()
        if request_type == "Update":
            _refuse_template_kind_change(event, request.physical_id)
            old, new = secret_fingerprints(event.get("OldResourceProperties") or {}), secret_fingerprints(properties)
            rotate = {name for name, value in new.items() if old.get(name) != value}
        repos = desired_repos(request)
        if self.deps.budget is not None:
            # Read GitHub only with a turn at the write budget (at once when one is free): in a crowd, reading
            # first and then waiting (and reading again after a hand-over) spends the credential's hourly request
            # limit (5000) on requests that cannot write yet: 100 projects at once would need ~5900 calls.
            self.deps.budget.await_turn(
                deadline, f"waiting for a turn at GitHub's write budget ({request.physical_id})"
            )
        result = self._reconciler(deadline).apply(repos, rotate_secrets=rotate)
        log.info("reconciled", extra={"physical_resource_id": request.physical_id, "changes": len(result.changes)})
        if self.deps.trust is not None:
            self.deps.trust.before_write = deadline.check
            not_ready = self.deps.trust.admit(request.project_id, repos)
            result.skipped.extend(not_ready)
            log.info("project repositories admitted to the OIDC roles' trust", extra={"skipped": not_ready})
        if self.deps.registries is not None and request.container_repository:
            not_created = self.deps.registries.ensure(
                request.container_repository,
                _deploy_accounts(request),
                {"mlops:project-name": request.project_name, "mlops:project-id": request.project_id},
            )
            result.skipped.extend(not_created)
            log.info("project ECR repositories ensured in preprod and prod", extra={"skipped": not_created})
        if self.deps.registries is not None and request_type == "Update":
            from platform_cli.lambdas.project_registries import dropped_repository

            dropped = dropped_repository(event.get("OldResourceProperties") or {}, properties)
            if dropped:  # the option turned off: its repositories follow the delete policy, as GitHub repos do
                result.skipped.extend(
                    self.deps.registries.remove(dropped, _deploy_accounts(request), request.delete_policy)
                )
        return Response("SUCCESS", "", request.physical_id, _data(result, request.project_name))

    def _delete(self, event: dict[str, Any], properties: Mapping[str, Any], deadline: Deadline) -> Response:
        from platform_cli.provisioning.desired import desired_repos

        physical_id = str(event.get("PhysicalResourceId") or "")
        failed_create = physical_id.startswith(FAILED_PREFIX) or not physical_id
        try:
            request = self._request(properties)
        except PlatformError as error:
            # Properties that never validated: Create failed before anything was made. Nothing to delete.
            log.info("delete: properties invalid, nothing was created", extra={"reason": str(error)})
            return Response("SUCCESS", "", physical_id or self._fallback_id(event))
        if not failed_create and physical_id != request.physical_id:
            log.info("delete: physical id does not match the properties; nothing to delete")
            return Response("SUCCESS", "", physical_id)
        try:
            repos = desired_repos(request)
            if self.deps.trust is not None:
                # First: a retained or archived repository must not keep its access to the accounts.
                self.deps.trust.before_write = deadline.check
                self.deps.trust.revoke(request.project_id, repos)
            result = self._reconciler(deadline).remove(repos)
            if self.deps.registries is not None and request.container_repository:
                not_removed = self.deps.registries.remove(
                    request.container_repository, _deploy_accounts(request), request.delete_policy
                )
                log.info("project ECR repositories: delete policy applied", extra={"skipped": not_removed})
        except PlatformError as error:
            if not failed_create:
                raise
            log.warning("delete after failed create: cleanup incomplete", extra={"reason": str(error)})
            return Response("SUCCESS", "", physical_id)
        log.info("deleted", extra={"changes": result.changes, "policy": request.delete_policy})
        return Response("SUCCESS", "", physical_id)

    # -- helpers ------------------------------------------------------------------------------------------------

    def _request(self, properties: Mapping[str, Any]) -> ProjectRequest:
        from platform_cli.lambdas.properties import request_from_properties

        return request_from_properties(properties, self.deps.settings, self.deps.resolve_secret)

    def _bound_to_studio_user(self, request: ProjectRequest) -> ProjectRequest:
        """The requester is the Studio user who launched the project, where SageMaker recorded one."""
        if self.deps.studio_user is None:
            return request
        from platform_cli.lambdas.studio_user import bind_requester

        login = bind_requester(request.requesting_user, self.deps.studio_user(request.project_name))
        if login == request.requesting_user:
            return request
        return request.model_copy(update={"requesting_user": login})

    def _reconciler(self, deadline: Deadline) -> Reconciler:
        factory = self.deps.reconciler or _reconciler
        return factory(self.deps.github(deadline), deadline, self.deps.settings)

    @staticmethod
    def _fallback_id(event: dict[str, Any]) -> str:
        existing = event.get("PhysicalResourceId")
        if existing:
            return str(existing)
        logical = str(event.get("LogicalResourceId") or "ProjectRepos")
        return f"{FAILED_PREFIX}{logical}-{str(event.get('RequestId') or 'unknown')[:8]}"

    def _failed_id(self, event: dict[str, Any], fallback: str) -> str:
        """Create that failed: a marker id, so the rollback Delete knows nothing may exist."""
        if event.get("RequestType") != "Create":
            return fallback
        try:
            request = self._request(event.get("ResourceProperties") or {})
        except Exception:
            return fallback
        return f"{FAILED_PREFIX}{request.physical_id}"


# -- the Lambda entry point -------------------------------------------------------------------------------------

_dependencies: Dependencies | None = None


def default_dependencies() -> Dependencies:
    """Built on first use and cached across invocations (Secrets Manager client, credentials, App token)."""
    global _dependencies
    if _dependencies is None:
        import boto3

        from platform_cli.github.budget import DynamoDbStore, MemoryStore, WriteBudget
        from platform_cli.github.client import ClientPolicy, build_client
        from platform_cli.lambdas.credentials import CredentialCache

        settings = LambdaSettings.from_env()
        secrets = CredentialCache(
            lambda: boto3.client("secretsmanager"), settings.credentials_secret_id, settings.credentials_ttl_seconds
        )
        policy = ClientPolicy(seconds_between_writes=settings.write_pacing_seconds)
        # GitHub's write budget, shared by every invocation using the credential (one DynamoDB item).
        store = (
            DynamoDbStore(boto3.client("dynamodb"), settings.write_budget_table, settings.write_budget_key)
            if settings.write_budget_table
            else MemoryStore()
        )
        # With the table, a request continues in a new invocation: wait for the budget as long as this one lives.
        budget = WriteBudget(store, wait_out=settings.write_budget_table is not None)

        def github(deadline: Deadline) -> Github:
            credentials, auth = secrets.get()
            return build_client(credentials, settings.api_url, deadline, policy, auth=auth, budget=budget)

        def resolve_secret(secret_id: str) -> str:
            from platform_cli.lambdas.jsonlog import REDACTOR
            from platform_cli.provisioning.exceptions import InvalidRequestError

            try:
                value = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
            except Exception:
                raise InvalidRequestError(
                    f"cannot read extra secret {secret_id}; check it exists and the Lambda may read it"
                ) from None
            REDACTOR.register(value)
            return str(value)

        from platform_cli.lambdas.project_trust import TrustMaintainer, assume_into_accounts

        trust = TrustMaintainer(
            assume_into_accounts(
                boto3.client("sts"), lambda keys: boto3.client("iam", **keys), settings.trust_role, settings.partition
            )
        )
        from platform_cli.lambdas.studio_user import launching_user

        def studio_user(project_name: str) -> str | None:
            return launching_user(boto3.client("sagemaker"), project_name)

        continuation = None
        if settings.write_budget_table:
            from platform_cli.lambdas.continuation import DynamoDbLedger, SelfInvoker

            # The requests' ledger shares the budget's table; the next invocation is this function, asynchronously.
            continuation = Continuation(
                DynamoDbLedger(boto3.client("dynamodb"), settings.write_budget_table),
                SelfInvoker(boto3.client("lambda")),
            )
        from platform_cli.lambdas import project_registries

        registries = project_registries.RegistryMaintainer(
            project_registries.assume_into_accounts(
                boto3.client("sts"),
                lambda keys: boto3.client("ecr", **keys),
                settings.registry_role,
                settings.partition,
            ),
            kms_key=project_registries.artifacts_key_alias(settings.naming_prefix),
        )
        _dependencies = Dependencies(
            settings=settings,
            github=github,
            resolve_secret=resolve_secret,
            credentials=secrets,
            trust=trust,
            studio_user=studio_user,
            continuation=continuation,
            registries=registries,
            budget=budget,
        )
    return _dependencies


def reset_dependencies() -> None:
    """Forget the warm cache (tests; a new configuration)."""
    global _dependencies
    _dependencies = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    """AWS Lambda entry point."""
    configure("project_repos")
    try:
        resource = ProjectReposResource(default_dependencies())
    except Exception as error:
        # Misconfigured or broken Lambda: still answer CloudFormation, or the stack waits an hour. A PlatformError
        # is one actionable line; anything else is named by its type only (its text may carry a secret).
        if isinstance(error, PlatformError):
            reason = str(error)
        else:
            reason = f"the provisioning Lambda could not start ({type(error).__name__}); see its CloudWatch logs"
        log.error("project_repos could not start", extra={"reason": reason})
        event = event if isinstance(event, dict) else {}
        response = Response("FAILED", reason, ProjectReposResource._fallback_id(event))
        Answer(event)(response)
        return response.body(event)
    return resource(event, context)
