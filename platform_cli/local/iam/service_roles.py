"""A role an AWS service assumes to act for its account — Service Catalog taking a launch constraint's role to
launch a product — is taken only when the role's trust policy allows that service ``sts:AssumeRole``, as AWS
checks when the service assumes it. Local AWS otherwise used such a role without looking at its trust policy, so a
launch role trusting the wrong principal passed every rehearsal and failed on the first real launch."""

from __future__ import annotations

import time

from platform_cli.local.iam import log, mode
from platform_cli.local.iam.evaluator import Decision
from platform_cli.local.iam.policy import Principal
from platform_cli.local.iam.principals import Caller

SERVICE_CATALOG = "servicecatalog.amazonaws.com"


def service_may_assume(service: str, role_arn: str, *, partition: str, region: str) -> Decision | None:
    """The refusal when ``service``, acting for the role's account, may not assume ``role_arn`` (the decision is
    logged); ``None`` when it may, or when local AWS is permissive."""
    from platform_cli.local.iam.hook import decide

    account = role_arn.split(":")[4]
    caller_ = Caller(Principal(service, account, kind="Service"), (), None)
    context: dict[str, str | list[str]] = {
        "aws:SourceAccount": account,
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
    }
    started = time.perf_counter()
    decision = decide(caller_, "sts:AssumeRole", role_arn, context, partition=partition, region=region)
    enforced = mode.current() == "strict"
    log.record(decision, enforced=enforced, seconds=time.perf_counter() - started)
    return decision if enforced and not decision.allowed else None
