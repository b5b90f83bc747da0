"""Every Lambda invocation in local AWS runs the function for real, without Docker (moto runs functions only in
Docker): ``Invoke``, a CloudFormation custom resource and an EventBridge target all end in moto's
``LambdaFunction._invoke_lambda``, which this replaces with :func:`platform_cli.local.lambda_runtime.run`.

The function runs from the zip moto stored (what Terraform uploaded), with its handler, runtime, environment,
timeout and memory setting, and with credentials of its execution role (an STS AssumeRole in the function's
account, so local AWS sees the role as the caller). Its log lines go to CloudWatch Logs under
``/aws/lambda/<name>`` as on AWS. The server learns its own endpoint from ``MLOPS_LOCAL_AWS_ENDPOINT`` (set by
``platform_cli.local.moto_main``), which the function gets as ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from moto.awslambda.models import LambdaFunction

from platform_cli.local import lambda_runtime

ENDPOINT_VARIABLE = lambda_runtime.ENDPOINT_VARIABLE


def role_environment(
    account_id: str, region: str, role_arn: str, function_name: str, service: str | None = None
) -> dict[str, str]:
    """The AWS variables a function sees: region, local endpoint and its execution role's session credentials.
    With ``service`` (the AWS service taking the role, e.g. EventBridge Scheduler), the role's trust policy must
    allow it, as when that service assumes the role on AWS; ``PermissionError`` with AWS's denial otherwise."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import service_may_assume

    partition = get_partition(region)
    if service is not None and hook.installed():
        refused = service_may_assume(service, role_arn, partition=partition, region=region)
        if refused is not None:
            raise PermissionError(refused.message())
    backend = sts_backends[account_id][partition]
    assumed = backend.assume_role(
        region_name=region,
        role_session_name=function_name[:64],
        role_arn=role_arn,
        policy="",
        duration=3600,
        external_id="",
    )
    env = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": assumed.access_key_id,
        "AWS_SECRET_ACCESS_KEY": assumed.secret_access_key,
        "AWS_SESSION_TOKEN": assumed.session_token,
    }
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def spec_of(function: Any) -> lambda_runtime.FunctionSpec:
    return lambda_runtime.FunctionSpec(
        name=function.function_name,
        handler=function.handler or "",
        runtime=function.run_time,
        timeout=float(function.timeout or 3),
        memory_mb=int(function.memory_size or 128),
        environment=dict(function.environment_vars or {}),
        arn=function.function_arn,
    )


def run_function(function: Any, event: Any) -> lambda_runtime.InvokeResult:
    """Run ``function`` (moto's model) on ``event`` (a document or its JSON text) and log it to CloudWatch Logs."""
    text = event if isinstance(event, str) else json.dumps(event)
    env = role_environment(function.account_id, function.region, function.role, function.function_name)
    code = lambda_runtime.code_dir(function.code_bytes)
    result = lambda_runtime.run(spec_of(function), text, code, env)
    function.logs_backend.ensure_log_group(function.logs_group_name)
    function.save_logs(result.log)
    return result


def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
    result = run_function(self, event if event is not None else "{}")
    return result.payload, result.errored, result.log


def register() -> None:
    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
