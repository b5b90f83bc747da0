"""Lambda checks a function's execution role when the function is created or its configuration changes; moto
5.2.5 only checks that the role exists. As on AWS (InvalidParameterValueException):

- the role's trust policy must allow ``lambda.amazonaws.com`` ("The role defined for the function cannot be
  assumed by Lambda.");
- with a ``DeadLetterConfig``, the role must be allowed to send there ("The provided execution role does not have
  permissions to call SendMessage on SQS", or Publish on SNS): Lambda sends the failed events as the role.

So a function role trusting the wrong principal, or lacking its dead-letter grant, passed every rehearsal and
failed the first real apply. Both are decided by the local IAM evaluator (``iam/service_roles.py``); in-process
moto (a test's ``mock_aws``, where no call is authorised) is left as moto makes it.
"""

from __future__ import annotations

from typing import Any

LAMBDA_SERVICE = "lambda.amazonaws.com"
UNTRUSTED = "The role defined for the function cannot be assumed by Lambda."
# The dead-letter target's service -> (the action Lambda takes there as the role, AWS's refusal).
DEAD_LETTER_ACTIONS = {
    "sqs": ("sqs:SendMessage", "The provided execution role does not have permissions to call SendMessage on SQS"),
    "sns": ("sns:Publish", "The provided execution role does not have permissions to call Publish on SNS"),
}


def _check(role_arn: str, dead_letters: str | None, region: str) -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import role_may, service_may_assume

    if not hook.installed() or not role_arn.startswith("arn:"):  # a malformed ARN: moto answers it
        return
    partition = get_partition(region)
    if service_may_assume(LAMBDA_SERVICE, role_arn, partition=partition, region=region) is not None:
        raise InvalidParameterValueException(UNTRUSTED)
    service = dead_letters.split(":")[2] if dead_letters and dead_letters.startswith("arn:") else ""
    if service in DEAD_LETTER_ACTIONS:
        action, refusal = DEAD_LETTER_ACTIONS[service]
        if role_may(role_arn, action, str(dead_letters), partition=partition, region=region) is not None:
            raise InvalidParameterValueException(refusal)


def _dead_letters(config: Any) -> str | None:
    target = (config or {}).get("TargetArn") if isinstance(config, dict) else None
    return str(target) if target else None


def register() -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    original_create = LambdaBackend.create_function
    if getattr(original_create, "_platform_extension", False):
        return
    original_update = LambdaFunction.update_configuration

    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        role = spec.get("Role")
        if isinstance(role, str):
            _check(role, _dead_letters(spec.get("DeadLetterConfig")), self.region_name)
        return original_create(self, spec)

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        role = config_updates.get("Role") or self.role
        if "Role" in config_updates or "DeadLetterConfig" in config_updates:
            dead_letters = config_updates.get("DeadLetterConfig")
            _check(str(role), _dead_letters(dead_letters), self.region)
        return original_update(self, config_updates)

    create_function._platform_extension = True  # type: ignore[attr-defined]
    LambdaBackend.create_function = create_function  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
