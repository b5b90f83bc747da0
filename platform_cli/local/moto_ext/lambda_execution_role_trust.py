"""Lambda takes a function's execution role only when the role's trust policy allows ``lambda.amazonaws.com``:
AWS refuses CreateFunction and UpdateFunctionConfiguration otherwise ("The role defined for the function cannot be
assumed by Lambda."), while moto 5.2.5 only checks that the role exists — so a function role trusting the wrong
principal passed every rehearsal and failed the first real apply.

The trust is decided by the local IAM evaluator (``iam/service_roles.py``) as Lambda acting for the function's
account; in-process moto (a test's ``mock_aws``, where no call is authorised) is left as moto makes it.
"""

from __future__ import annotations

from typing import Any

LAMBDA_SERVICE = "lambda.amazonaws.com"
REFUSAL = "The role defined for the function cannot be assumed by Lambda."


def _check(role_arn: str, region: str) -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import service_may_assume

    if not hook.installed():
        return
    if service_may_assume(LAMBDA_SERVICE, role_arn, partition=get_partition(region), region=region) is not None:
        raise InvalidParameterValueException(REFUSAL)


def register() -> None:
    from moto.awslambda.models import LambdaFunction, LambdaStorage

    original_put = LambdaStorage.put_function
    if getattr(original_put, "_platform_extension", False):
        return
    original_update = LambdaFunction.update_configuration

    def put_function(self: Any, fn: Any) -> None:
        if isinstance(fn.role, str) and fn.role.startswith("arn:"):  # a malformed ARN: moto answers it
            _check(fn.role, fn.region)
        original_put(self, fn)

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        role = config_updates.get("Role")
        if isinstance(role, str) and role and role != self.role:
            _check(role, self.region)
        return original_update(self, config_updates)

    put_function._platform_extension = True  # type: ignore[attr-defined]
    LambdaStorage.put_function = put_function  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
