"""A request the write budget cannot finish in one invocation continues in the next (issue 16): handed over while
CloudFormation still waits, answered exactly once by the invocation that finishes, FAILED when it cannot go on."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platform_cli.github.budget import MemoryStore, Window, WriteBudget
from platform_cli.github.exceptions import DeadlineExceededError
from platform_cli.lambdas.continuation import (
    CONTINUATION_KEY,
    DynamoDbLedger,
    MemoryLedger,
    SelfInvoker,
    idempotency_key,
)
from platform_cli.lambdas.project_repos import Continuation, Dependencies, ProjectReposResource
from platform_cli.provisioning.desired import DesiredRepo
from platform_cli.provisioning.reconcile import ReconcileResult
from tests.lambdas.conftest import SETTINGS, FakeContext, event, properties
from tests.lambdas.test_project_repos_state_machine import FakeReconciler


class _OutOfTimeUntil(FakeReconciler):
    """Runs out of the shared budget's time in the first ``short`` invocations, then finishes."""

    def __init__(self, short: int) -> None:
        super().__init__()
        self.short = short
        self.calls = 0

    def apply(self, repos: list[DesiredRepo], rotate_secrets: Any = frozenset()) -> ReconcileResult:
        self.calls += 1
        if self.calls <= self.short:
            raise DeadlineExceededError("ran out of time while waiting for GitHub's write budget (next write in 60s)")
        return super().apply(repos, rotate_secrets)


class _Lambda:
    """The function as Lambda runs it: each continuation is a new invocation with its own request id."""

    def __init__(
        self, reconciler: FakeReconciler, fail_invoke: bool = False, budget: WriteBudget | None = None, **settings: Any
    ) -> None:
        self.sent: list[dict[str, Any]] = []
        self.invocations: list[dict[str, Any]] = []
        self.ledger = MemoryLedger()
        self.fail_invoke = fail_invoke
        self._lock = threading.Lock()
        self.resource = ProjectReposResource(
            Dependencies(
                settings=replace(SETTINGS, **settings),
                github=lambda deadline: None,  # type: ignore[arg-type,return-value]
                send=self._send,
                reconciler=lambda github, deadline, settings: reconciler,  # type: ignore[arg-type,return-value]
                continuation=Continuation(self.ledger, self._invoke),
                budget=budget,
            )
        )
        self.queue: list[dict[str, Any]] = []
        self.idle: list[float] = []
        self.resource.deps.sleep = self.idle.append  # the wait before a hand-over, recorded instead of slept

    def _send(self, url: str, body: bytes) -> None:
        with self._lock:
            self.sent.append(json.loads(body))

    def _invoke(self, evt: dict[str, Any], context: Any) -> None:
        if self.fail_invoke:
            raise RuntimeError("AccessDenied")
        self.queue.append(evt)

    def run(self, evt: dict[str, Any], request_id: str = "inv-0") -> dict[str, Any]:
        self.invocations.append(evt)
        context = FakeContext(60_000)
        context.aws_request_id = request_id
        return self.resource(evt, context)

    def drain(self) -> None:
        n = 1
        while self.queue:
            self.run(self.queue.pop(0), f"inv-{n}")
            n += 1


def test_an_invocation_out_of_time_hands_over_and_the_continuation_answers_once() -> None:
    function = _Lambda(_OutOfTimeUntil(short=2))
    first = function.run(event("Create"))
    assert first == {"Continued": True, "Generation": 1} and function.sent == []
    function.drain()
    assert [e[CONTINUATION_KEY]["generation"] for e in function.invocations[1:]] == [1, 2]
    (answer,) = function.sent
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == "acme/churn-p-abc123def456"
    assert answer["RequestId"] == event("Create")["RequestId"]  # the same request CloudFormation sent


def test_an_invocation_uses_its_own_time_before_handing_over_so_a_request_never_spins() -> None:
    """A wait that outlasts the invocation (a long Retry-After, the budget) is met again at once by the next one:
    handing over at once would start invocation after invocation, each reading GitHub again."""
    function = _Lambda(_OutOfTimeUntil(short=1))
    function.run(event("Create"))
    (idle,) = function.idle
    assert 58.0 < idle < 60.0  # FakeContext: 60 s left, the deadline margin 0.5 s, one second kept to hand over
    assert len(function.queue) == 1


def test_a_continued_request_waits_its_turn_for_the_budget_before_reading_github_again() -> None:
    """The stall of a 30-project run: every continuation read all of GitHub again, only to wait for the budget
    again; at 60 s invocations thirty requests spent the credential's 5000 requests an hour doing so, and from
    then on every call was refused."""
    budget = WriteBudget(MemoryStore(), (Window(3600.0, 1),))
    budget.acquire()  # the budget is taken for the next hour
    reconciler = _OutOfTimeUntil(short=0)
    function = _Lambda(reconciler, budget=budget)
    continued = {**event("Create"), CONTINUATION_KEY: {"generation": 1, "started": time.time()}}
    assert function.run(continued, "inv-1") == {"Continued": True, "Generation": 2}
    assert reconciler.calls == 0  # GitHub not read: nothing to do before this request's turn


def test_a_first_invocation_in_a_crowd_waits_its_turn_before_reading_github() -> None:
    """100 projects at once: each first invocation read GitHub (~15 calls), waited, handed over and read again (an
    estimated ~5900 calls against the credential's 5000 an hour); reading only with a turn, the bench measured 4532."""
    budget = WriteBudget(MemoryStore(), (Window(3600.0, 1),))
    budget.acquire()
    reconciler = _OutOfTimeUntil(short=0)
    function = _Lambda(reconciler, budget=budget)
    assert function.run(event("Create")) == {"Continued": True, "Generation": 1}
    assert reconciler.calls == 0 and function.sent == []


def test_a_first_invocation_with_a_free_turn_reads_github_at_once() -> None:
    """A project alone (or an update, a second run) does not wait: its turn is free."""
    reconciler = _OutOfTimeUntil(short=0)
    function = _Lambda(reconciler, budget=WriteBudget(MemoryStore(), (Window(60.0, 75),)))
    function.run(event("Create"))
    assert reconciler.calls == 1 and function.sent[0]["Status"] == "SUCCESS" and function.idle == []


class _WritesThenOutOfTime(_OutOfTimeUntil):
    """Makes one write through the shared budget, then runs out of time in the first ``short`` invocations."""

    def __init__(self, short: int, budget: WriteBudget) -> None:
        super().__init__(short)
        self.budget = budget

    def apply(self, repos: list[DesiredRepo], rotate_secrets: Any = frozenset()) -> ReconcileResult:
        self.budget.acquire()
        return super().apply(repos, rotate_secrets)


def test_a_request_keeps_its_turn_at_the_budget_across_a_hand_over_and_gives_it_back_when_answered() -> None:
    store = MemoryStore()
    budget = WriteBudget(store, (Window(60.0, 100),))
    function = _Lambda(_WritesThenOutOfTime(short=1, budget=budget), budget=budget)
    function.run(event("Create"))
    assert [turn.ident for turn in store._ledger.turns] == [idempotency_key(event("Create"))]
    function.drain()
    assert function.sent[0]["Status"] == "SUCCESS" and store._ledger.turns == ()


def test_a_duplicate_delivery_of_a_generation_does_nothing() -> None:
    reconciler = _OutOfTimeUntil(short=1)
    function = _Lambda(reconciler)
    function.run(event("Create"), "inv-0")
    (handed,) = function.queue
    function.run(handed, "inv-1")
    assert function.run(handed, "inv-other") == {"Continued": False, "Duplicate": True}
    assert reconciler.calls == 2 and len(function.sent) == 1


def test_an_older_generation_arriving_late_does_nothing_and_cannot_answer_again() -> None:
    function = _Lambda(_OutOfTimeUntil(short=0))
    function.run(event("Create"), "inv-0")
    assert function.run(event("Create"), "inv-late") == {"Continued": False, "Duplicate": True}
    assert len(function.sent) == 1


def test_a_continuation_that_cannot_start_answers_failed_with_the_reason() -> None:
    function = _Lambda(_OutOfTimeUntil(short=5), fail_invoke=True)
    function.run(event("Create"))
    (answer,) = function.sent
    assert answer["Status"] == "FAILED" and "write budget" in answer["Reason"]


def test_no_continuation_once_cloudformations_wait_is_used_up() -> None:
    function = _Lambda(_OutOfTimeUntil(short=5), service_timeout_seconds=3600.0)
    late = {**event("Create"), CONTINUATION_KEY: {"generation": 3, "started": time.time() - 3550}}
    function.run(late, "inv-3")
    assert function.queue == []
    (answer,) = function.sent
    assert answer["Status"] == "FAILED" and "ran out of time" in answer["Reason"]


def test_a_forged_checkpoint_cannot_extend_cloudformations_wait() -> None:
    function = _Lambda(_OutOfTimeUntil(short=1))
    future = {**event("Create"), CONTINUATION_KEY: {"generation": 2, "started": time.time() + 10_000}}
    function.run(future, "inv-x")
    (handed,) = function.queue
    assert handed[CONTINUATION_KEY]["generation"] == 1  # treated as a first invocation starting now
    assert handed[CONTINUATION_KEY]["started"] <= time.time()


def test_other_failures_answer_failed_at_once() -> None:
    from platform_cli.provisioning.exceptions import RepoConflictError

    reconciler = FakeReconciler(fail=RepoConflictError("repository acme/x already exists"))
    function = _Lambda(reconciler)
    function.run(event("Create"))
    assert function.queue == [] and [a["Status"] for a in function.sent] == ["FAILED"]


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="budget",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_the_dynamodb_ledger_admits_one_invocation_per_generation_and_one_answer(dynamodb: Any) -> None:
    ledger = DynamoDbLedger(dynamodb, "budget")
    key = idempotency_key(event("Create"))
    assert key.startswith("continuation#") and "11111111" not in key
    assert ledger.claim(key, 0, "a")
    assert ledger.claim(key, 0, "a")  # Lambda's own retry of the same invocation
    assert not ledger.claim(key, 0, "b")  # a duplicate delivery
    assert ledger.claim(key, 1, "c")  # the continuation
    assert not ledger.claim(key, 0, "a")  # the older one may not come back
    assert ledger.answer(key, 1, "c")
    assert not ledger.answer(key, 1, "c") and not ledger.claim(key, 2, "d")


def test_the_self_invoker_invokes_the_unqualified_function_asynchronously() -> None:
    calls: list[dict[str, Any]] = []

    class Client:
        def invoke(self, **kwargs: Any) -> None:
            calls.append(kwargs)

    context = FakeContext()
    context.invoked_function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos:live"  # type: ignore[attr-defined]
    SelfInvoker(Client())({"RequestType": "Create"}, context)
    (call,) = calls
    assert call["FunctionName"] == "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos"
    assert call["InvocationType"] == "Event" and json.loads(call["Payload"]) == {"RequestType": "Create"}


def test_every_aws_call_of_the_continuation_is_granted_to_the_provisioning_role_and_nothing_more() -> None:
    """The seam: the calls the continuation makes (recorded) against the Terraform that grants them."""
    import re

    from botocore.stub import Stubber

    from tests.base_infrastructure import tf_policies

    calls: list[str] = []
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    lam = boto3.client("lambda", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    for client in (dynamodb, lam):
        client.meta.events.register(
            "before-call.*.*", lambda model, **kwargs: calls.append(f"{model.service_model.signing_name}:{model.name}")
        )
    with Stubber(dynamodb) as ddb, Stubber(lam) as stub:
        ddb.add_response("put_item", {})
        ddb.add_response("put_item", {})
        stub.add_response("invoke", {"StatusCode": 202})
        ledger = DynamoDbLedger(dynamodb, "mlops-github-write-budget")
        ledger.claim("continuation#k", 0, "a")
        ledger.answer("continuation#k", 0, "a")
        context = FakeContext()
        context.invoked_function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos"  # type: ignore[attr-defined]
        SelfInvoker(lam)({}, context)
    assert sorted(set(calls)) == ["dynamodb:PutItem", "lambda:Invoke"]
    main = tf_policies.terraform_file("project_lambdas").read_text()
    continuation = main.split('resource "aws_iam_role_policy" "continuation"')[1].split("\nresource ")[0]
    assert 'role = aws_iam_role.this["project_repos"].id' in continuation
    assert 'Action   = "lambda:InvokeFunction"' in continuation  # the IAM action of Lambda's Invoke
    assert re.search(
        r'Resource = "arn:\$\{local\.partition\}:lambda:[^"]*:function:\$\{local\.functions\.project_repos\.name\}"',
        continuation,
    )
    budget = main.split('resource "aws_iam_role_policy" "write_budget"')[1].split("\nresource ")[0]
    assert '"dynamodb:PutItem"' in budget and "Resource = aws_dynamodb_table.write_budget.arn" in budget


class _BrokenLedger:
    def claim(self, key: str, generation: int, owner: str) -> bool:
        raise RuntimeError("ProvisionedThroughputExceededException")

    def answer(self, key: str, generation: int, owner: str) -> bool:
        raise RuntimeError("ProvisionedThroughputExceededException")


def test_a_ledger_that_fails_never_keeps_cloudformation_waiting() -> None:
    function = _Lambda(FakeReconciler())
    function.resource.deps.continuation = Continuation(_BrokenLedger(), function._invoke)
    function.run(event("Create"))
    assert [a["Status"] for a in function.sent] == ["SUCCESS"]


class _RecordsItsDeadline(FakeReconciler):
    def __init__(self) -> None:
        super().__init__()
        self.deadlines: list[float] = []


def test_a_short_service_timeout_leaves_the_work_most_of_cloudformations_wait() -> None:
    """`mlops project create` (default --timeout 300) gives ServiceTimeout 150: keeping the full 120 s answer margin
    left a 10 s deadline, and the first wait for the shared write budget (41 s in `make demo`) failed the project."""
    reconciler = _RecordsItsDeadline()
    function = _Lambda(reconciler, continuation_margin_seconds=120.0, deadline_margin_seconds=20.0)

    def factory(github: Any, deadline: Any, settings: Any) -> FakeReconciler:
        reconciler.deadlines.append(deadline.remaining())
        return reconciler

    function.resource.deps.reconciler = factory  # type: ignore[assignment]
    context = FakeContext(600_000)
    function.resource(event("Create", properties(ServiceTimeout="150")), context)
    (remaining,) = reconciler.deadlines
    assert 110.0 < remaining <= 115.0  # 150 s, less 15 s kept to answer in, less the 20 s deadline margin
    assert [a["Status"] for a in function.sent] == ["SUCCESS"]
