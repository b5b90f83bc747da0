"""EventBridge rules whose target is a Lambda function: moto 5.2.5 raises ``NotImplementedError`` for them, so a
matching PutEvents fails and nothing runs.

A matching event now invokes the function asynchronously, as EventBridge does (``InvocationType=Event``), through
the local Lambda runtime (``lambda_local_runtime``), in a background thread so PutEvents answers at once:

- the target's ``Input``/``InputPath``/``InputTransformer`` shape the event as moto already does for other targets;
- a function whose resource policy does not let ``events.amazonaws.com`` invoke it for this rule (no
  ``AWS::Lambda::Permission``, or one for another rule) is not invoked: as on AWS, the event goes at once, without
  retries, to the target's ``DeadLetterConfig`` queue with ``ERROR_CODE`` ``NO_PERMISSIONS``;
- a function that cannot be reached (unknown) is a delivery failure: the event goes to the target's
  ``DeadLetterConfig`` queue with EventBridge's ``ERROR_CODE``/``ERROR_MESSAGE``/``RULE_ARN``/``TARGET_ARN``
  attributes;
- a function that fails (raises, times out) is retried by Lambda's asynchronous invocation: ``MaximumRetryAttempts``
  of its event invoke config (default 2, so 3 attempts), ``MLOPS_LAMBDA_RETRY_DELAY`` seconds apart (default 1;
  AWS waits about a minute, then two). After the last failure the event goes to the function's
  ``DeadLetterConfig`` queue with Lambda's ``RequestID``/``ErrorCode``/``ErrorMessage`` attributes.

Each delivery is recorded (``deliveries()``, in the server) so tests and the demo can see how many invocations an
event caused.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

log = logging.getLogger("platform_cli.local.events")
RETRY_DELAY_VARIABLE = "MLOPS_LAMBDA_RETRY_DELAY"
_MARK = "_mlops_lambda_targets_registered"
_lock = threading.Lock()
_threads: list[threading.Thread] = []


def _send_to_queue(queue_arn: str, body: str, attributes: dict[str, str], rule: Any = None) -> None:
    """Send a dead letter; for ``rule`` (EventBridge's own dead letters) only where the queue's policy lets
    ``events.amazonaws.com`` send for that rule and, for an encrypted queue, its key lets it encrypt: on AWS the
    event is otherwise lost (counted in ``InvocationsFailedToBeSentToDLQ``)."""
    from moto.sqs.models import sqs_backends

    parts = queue_arn.split(":")
    region, account, name = parts[3], parts[4], parts[5]
    queue = sqs_backends[account][region].get_queue(name)
    if rule is not None:
        refused = _events_may_not_send(rule, queue_arn, getattr(queue, "kms_master_key_id", None), region)
        if refused is not None:
            log.warning("EventBridge could not send a dead letter to %s: %s", queue_arn, refused)
            return
    sqs_backends[account][region].send_message(
        queue_name=name,
        message_body=body,
        message_attributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def _max_retries(function: Any) -> int:
    for config in getattr(function, "event_invoke_config", []) or []:
        if "MaximumRetryAttempts" in config.config:
            return int(config.config["MaximumRetryAttempts"])
    return 2


def invoke_async(function: Any, event: dict[str, Any]) -> None:
    """One asynchronous invocation with Lambda's retries and dead-letter queue."""
    from platform_cli.local.moto_ext.lambda_local_runtime import run_function

    delay = float(os.environ.get(RETRY_DELAY_VARIABLE, "1"))
    attempts = _max_retries(function) + 1
    result = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(delay * attempt)
        result = run_function(function, event)
        if not result.errored:
            return
    dead_letter = function.get_configuration().get("DeadLetterConfig", {}).get("TargetArn")
    if dead_letter and result is not None:
        message = json.loads(result.payload).get("errorMessage", "")
        attributes = {"RequestID": result.request_id, "ErrorCode": "200", "ErrorMessage": str(message)[:256]}
        _send_to_queue(dead_letter, json.dumps(event), attributes)


def _deliver(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
    from moto.awslambda.utils import get_backend as get_lambda_backend

    arn = target["Arn"]
    region, account = arn.split(":")[3], arn.split(":")[4]
    try:
        function = get_lambda_backend(account, region).get_function(arn)
    except Exception as error:
        message = f"Function not found: {arn} ({type(error).__name__})"
        _dead_letter(rule, target, event, "ResourceNotFoundException", message)
        return
    refused = _not_permitted(rule, function.function_arn, region)
    if refused is not None:  # missing permissions are not retried: straight to the target's DLQ
        _dead_letter(rule, target, event, "NO_PERMISSIONS", refused)
        return
    invoke_async(function, event)


def _dead_letter(rule: Any, target: dict[str, Any], event: dict[str, Any], code: str, message: str) -> None:
    """An event EventBridge could not deliver to ``target``: to the target's DLQ (if any), with EventBridge's
    attributes."""
    queue = (target.get("DeadLetterConfig") or {}).get("Arn")
    if queue:
        attributes = {"ERROR_CODE": code, "ERROR_MESSAGE": message, "RULE_ARN": rule.arn, "TARGET_ARN": target["Arn"]}
        _send_to_queue(queue, json.dumps(event), attributes, rule)


def _events_may_not_send(rule: Any, queue_arn: str, key: str | None, region: str) -> str | None:
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import EVENTS, service_may

    if not hook.installed():
        return None
    partition, account = get_partition(region), rule.account_id
    source = {"aws:SourceArn": rule.arn}
    refused = service_may(
        EVENTS, "sqs:SendMessage", queue_arn, account=account, partition=partition, region=region, context=source
    )
    if refused is None and key:
        # KmsMasterKeyId: a key ARN, an alias ("alias/…") or a key id, all in the queue's account.
        named = key if key.startswith("alias/") else f"key/{key}"
        key_arn = key if key.startswith("arn:") else f"arn:{partition}:kms:{region}:{queue_arn.split(':')[4]}:{named}"
        via = {**source, "kms:ViaService": f"sqs.{region}.amazonaws.com"}
        refused = service_may(
            EVENTS, "kms:GenerateDataKey", key_arn, account=account, partition=partition, region=region, context=via
        )
    return refused.message() if refused is not None else None


def _not_permitted(rule: Any, function_arn: str, region: str) -> str | None:
    """Why EventBridge may not invoke the function for ``rule`` (its resource policy must allow
    ``events.amazonaws.com`` for this rule, as ``AWS::Lambda::Permission`` / ``aws_lambda_permission`` grant it);
    ``None`` when it may (or in-process moto, which authorises nothing)."""
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import EVENTS, service_may

    if not hook.installed():
        return None
    refused = service_may(
        EVENTS,
        "lambda:InvokeFunction",
        function_arn,
        account=rule.account_id,
        partition=get_partition(region),
        region=region,
        context={"aws:SourceArn": rule.arn},
    )
    return refused.message() if refused is not None else None


def wait_for_deliveries(timeout: float = 60.0) -> None:
    """Wait for the asynchronous invocations started so far (for callers inside the server process)."""
    deadline = time.monotonic() + timeout
    with _lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))


def _patch() -> None:
    from moto.events.models import Rule
    from moto.events.utils import EventTemplateParser

    if getattr(Rule, _MARK, False):
        return
    moto_send_to_targets = Rule.send_to_targets

    def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
        lambdas = [t for t in self.targets if t["Arn"].split(":")[2] == "lambda"]
        if not lambdas:
            moto_send_to_targets(self, original_event, transform_input)
            return
        others = [t for t in self.targets if t not in lambdas]
        if others:
            with _lock:  # moto's sender walks self.targets: hand it the others alone
                kept, self.targets = self.targets, others
                try:
                    moto_send_to_targets(self, original_event, transform_input)
                finally:
                    self.targets = kept
        if not self.event_pattern.matches_event(original_event):
            return
        for target in lambdas:
            event = original_event.copy()
            if transform_input:
                transformer = target.get("InputTransformer", {})
                event = EventTemplateParser.parse(
                    input_template=transformer.get("InputTemplate"),
                    input_paths_map=transformer.get("InputPathsMap", {}),
                    event=original_event,
                )
            if target.get("Input"):
                event = json.loads(target["Input"])
            if isinstance(event, dict) and isinstance(event.get("time"), (int, float)):
                event["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(event["time"]))
            thread = threading.Thread(target=_deliver, args=(self, target, event), daemon=True)
            with _lock:
                _threads[:] = [t for t in _threads if t.is_alive()]
                _threads.append(thread)
            thread.start()

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    setattr(Rule, _MARK, True)


def register() -> None:
    after_import("moto.events.models", _patch)
