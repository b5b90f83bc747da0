"""What an AWS service does for an account is decided by the resource it acts on, as AWS decides it: a role the
service assumes (Service Catalog taking a launch constraint's role, Lambda a function's execution role, EventBridge
Scheduler a schedule's role) is taken only when its trust policy allows that service ``sts:AssumeRole``; a function
a rule invokes must allow ``events.amazonaws.com`` in its resource policy. Local AWS otherwise acted without looking,
so a role trusting the wrong principal, or a missing ``AWS::Lambda::Permission``, passed every rehearsal and failed
the first real launch, apply or event."""

from __future__ import annotations

import time

from platform_cli.local.iam import log, mode
from platform_cli.local.iam.evaluator import Decision
from platform_cli.local.iam.policy import Principal
from platform_cli.local.iam.principals import Caller

SERVICE_CATALOG = "servicecatalog.amazonaws.com"
EVENTS = "events.amazonaws.com"


def service_may(
    service: str,
    action: str,
    resource_arn: str,
    *,
    account: str,
    partition: str,
    region: str,
    context: dict[str, str | list[str]] | None = None,
) -> Decision | None:
    """The refusal when ``service``, acting for ``account``, may not do ``action`` on ``resource_arn`` (a service
    principal has no identity policy: the resource's policy must grant it; the decision is logged); ``None`` when
    it may, or when local AWS is permissive."""
    from platform_cli.local.iam.hook import decide

    caller_ = Caller(Principal(service, account, kind="Service"), (), None)
    asked: dict[str, str | list[str]] = {
        "aws:SourceAccount": account,
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
        **(context or {}),
    }
    started = time.perf_counter()
    decision = decide(caller_, action, resource_arn, asked, partition=partition, region=region)
    enforced = mode.current() == "strict"
    log.record(decision, enforced=enforced, seconds=time.perf_counter() - started)
    return decision if enforced and not decision.allowed else None


def service_may_assume(service: str, role_arn: str, *, partition: str, region: str) -> Decision | None:
    """The refusal when ``service``, acting for the role's account, may not assume ``role_arn``; ``None`` when it
    may, or when local AWS is permissive."""
    account = role_arn.split(":")[4]
    return service_may(service, "sts:AssumeRole", role_arn, account=account, partition=partition, region=region)


def role_caller(role_arn: str, session: str, *, partition: str) -> Caller:
    """A session ``session`` of ``role_arn`` as a service holds it (CloudFormation with a stack's role, Lambda with
    a function's); a role that does not exist grants nothing."""
    from moto.iam.models import iam_backends

    from platform_cli.local.iam.principals import role_policies

    account = role_arn.split(":")[4]
    name = role_arn.rsplit("/", 1)[-1]
    principal = Principal(f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}", account, aliases=(role_arn,))
    try:
        role = iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:
        return Caller(principal, (), None)
    identity, boundary = role_policies(account, partition, role)
    return Caller(principal, identity, boundary)


def role_may(role_arn: str, action: str, resource_arn: str, *, partition: str, region: str) -> Decision | None:
    """The refusal when a session of ``role_arn`` (a service acting as the role: Lambda sending a function's dead
    letters) may not do ``action`` on ``resource_arn``; ``None`` when it may, or when local AWS is permissive."""
    from platform_cli.local.iam.hook import decide

    caller_ = role_caller(role_arn, "lambda", partition=partition)
    context: dict[str, str | list[str]] = {
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": caller_.principal.account,
    }
    started = time.perf_counter()
    decision = decide(caller_, action, resource_arn, context, partition=partition, region=region)
    enforced = mode.current() == "strict"
    log.record(decision, enforced=enforced, seconds=time.perf_counter() - started)
    return decision if enforced and not decision.allowed else None
