"""The example consumer next to a stage's endpoint: API Gateway + Lambda, one CloudFormation stack a stage.

    python -m deploy.consumer --stage preprod     # create/update the stack (or delete it when the option is off)

config.yaml's `consumer` section switches it on and holds its IP allow-list and throttling. The stack is
`<MLOPS_NAMING_PREFIX>-<endpoint>-consumer` (the deploy role may manage `<prefix>-*` stacks); its template is
consumer/template.yaml with consumer/handler.py as the function's inline code. The stack runs as the CloudFormation
role the base infrastructure publishes (SSM /mlops/iam/consumer_stacks_role_arn): the deploy role may only pass it,
and it may only create the consumer's resources, its function role with the account's permissions boundary
(/mlops/iam/permissions_boundary_arn).
Reads SAGEMAKER_PROJECT_NAME, MLOPS_NAMING_PREFIX, AWS_ACCOUNT_ID and the region like `python -m deploy`.
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import ClientError, WaiterError

from deploy.config import DEFAULT_CONFIG, REPO_ROOT, STAGES
from deploy.endpoint import endpoint_name
from deploy.errors import DeployError

TEMPLATE = REPO_ROOT / "consumer" / "template.yaml"
HANDLER = REPO_ROOT / "consumer" / "handler.py"
STACK_ROLE_PARAMETER = "/mlops/iam/consumer_stacks_role_arn"
BOUNDARY_PARAMETER = "/mlops/iam/permissions_boundary_arn"
MAX_STACK = 59  # the function is named like the stack, its role <stack>-role: IAM role names stop at 64


@dataclass(frozen=True)
class ConsumerConfig:
    enabled: bool
    allowed_cidrs: list[str] = field(default_factory=list)
    rate_limit: float = 10.0
    burst_limit: int = 20
    reserved_concurrency: int = 5


def parse(data: dict[str, Any]) -> ConsumerConfig:
    """config.yaml's `consumer` section (absent: off). Errors name the field to fix."""
    section = data.get("consumer") or {}
    enabled = section.get("enabled", False)
    if not isinstance(enabled, bool):
        raise DeployError(f"config.yaml: consumer.enabled must be true or false (got {enabled!r})")
    if not enabled:
        return ConsumerConfig(enabled=False)
    cidrs = section.get("allowed_cidrs")
    if not isinstance(cidrs, list) or not cidrs:
        raise DeployError("config.yaml: consumer.allowed_cidrs must list the caller IP ranges (CIDR) to allow")
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(str(cidr), strict=True)
        except ValueError:
            raise DeployError(
                f"config.yaml: consumer.allowed_cidrs holds {cidr!r}, not a CIDR like 203.0.113.0/24"
            ) from None
        if network.prefixlen == 0:
            raise DeployError(
                f"config.yaml: consumer.allowed_cidrs holds {cidr}, which allows everyone; list your callers"
            )
    throttle = section.get("throttle") or {}
    try:
        config = ConsumerConfig(
            enabled=True,
            allowed_cidrs=[str(c) for c in cidrs],
            rate_limit=float(throttle["rate_limit"]),
            burst_limit=int(throttle["burst_limit"]),
            reserved_concurrency=int(section["reserved_concurrency"]),
        )
    except KeyError as exc:
        raise DeployError(f"config.yaml: consumer is missing {exc.args[0]!r}") from None
    if config.rate_limit <= 0 or config.burst_limit < 1 or config.reserved_concurrency < 1:
        raise DeployError(
            "config.yaml: consumer throttle.rate_limit, throttle.burst_limit and reserved_concurrency must be positive"
        )
    return config


def load(path: Path = DEFAULT_CONFIG) -> ConsumerConfig:
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise DeployError(f"config file {path} not found: run from the repo root or pass --config") from exc
    return parse(data if isinstance(data, dict) else {})


def stack_name(naming_prefix: str, project: str, stage: str) -> str:
    suffix = "-consumer"
    return f"{naming_prefix}-{endpoint_name(project, stage)}"[: MAX_STACK - len(suffix)] + suffix


def parameters(endpoint: str, config: ConsumerConfig, boundary: str = "") -> list[dict[str, str]]:
    values = {
        "PermissionsBoundaryArn": boundary,
        "EndpointName": endpoint,
        "AllowedCidrs": ",".join(config.allowed_cidrs),
        "RateLimit": f"{config.rate_limit:g}",
        "BurstLimit": str(config.burst_limit),
        "ReservedConcurrency": str(config.reserved_concurrency),
    }
    return [{"ParameterKey": key, "ParameterValue": value} for key, value in values.items()]


def render(params: list[dict[str, str]], template: Path = TEMPLATE, handler: Path = HANDLER) -> str:
    """The template with the handler inlined. The API deployment's logical id carries a digest of the template and
    parameters, so any change (a new allow-list too: resource policies apply from the next deployment) redeploys."""
    body = yaml.load(template.read_text(), Loader=_CfnLoader)  # noqa: S506 - a safe loader that keeps !Ref/!Sub
    resources = body["Resources"]
    resources["Function"]["Properties"]["Code"]["ZipFile"] = handler.read_text()
    digest = hashlib.sha256(json.dumps([body, params], sort_keys=True).encode()).hexdigest()[:10]
    deployment = f"Deployment{digest}"
    resources[deployment] = resources.pop("Deployment")
    resources["Stage"]["Properties"]["DeploymentId"] = {"Ref": deployment}
    return json.dumps(body)


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short-form tags (!Ref, !Sub, !GetAtt) as their long forms."""


def _tag(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


_SHORT_FORMS = {"!Ref": "Ref", "!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!If": "Fn::If", "!Not": "Fn::Not"}
for _short, _long in {**_SHORT_FORMS, "!Equals": "Fn::Equals"}.items():
    _CfnLoader.add_constructor(_short, _tag(_long))


def _stack(cloudformation: Any, name: str) -> dict[str, Any] | None:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


def _failure(cloudformation: Any, name: str) -> str:
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    reasons = [
        f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
        for e in events
        if "FAILED" in e["ResourceStatus"]
    ]
    return reasons[-1] if reasons else "no failed resource reported"


def _wait(cloudformation: Any, waiter: str, name: str) -> None:
    try:
        cloudformation.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 90})
    except WaiterError:
        raise DeployError(f"consumer stack {name} did not settle ({_failure(cloudformation, name)})") from None


def _parameter(ssm: Any, name: str) -> str:
    try:
        return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        raise DeployError(
            f"SSM parameter {name} is missing in this account: apply base-infrastructure (consumer stacks role)"
        ) from None


@dataclass
class ConsumerResult:
    stack: str
    action: str
    url: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)


def deploy(
    cloudformation: Any,
    ssm: Any,
    config: ConsumerConfig,
    *,
    naming_prefix: str,
    project: str,
    stage: str,
    tags: list[dict[str, str]] | None = None,
) -> ConsumerResult:
    """Create or update the stage's consumer stack; delete it when the option is off."""
    name = stack_name(naming_prefix, project, stage)
    existing = _stack(cloudformation, name)
    if not config.enabled:
        if existing is None:
            return ConsumerResult(name, "absent (consumer.enabled is false)")
        cloudformation.delete_stack(StackName=name)
        _wait(cloudformation, "stack_delete_complete", name)
        return ConsumerResult(name, "deleted (consumer.enabled is false)")
    if existing is not None and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        cloudformation.delete_stack(StackName=name)  # a failed first creation cannot be updated, only replaced
        _wait(cloudformation, "stack_delete_complete", name)
        existing = None
    role = _parameter(ssm, STACK_ROLE_PARAMETER)
    params = parameters(endpoint_name(project, stage), config, _parameter(ssm, BOUNDARY_PARAMETER))
    request: dict[str, Any] = {
        "StackName": name,
        "TemplateBody": render(params),
        "Parameters": params,
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "RoleARN": role,
        "Tags": tags or [],
    }
    if existing is None:
        cloudformation.create_stack(**request, OnFailure="ROLLBACK")
        _wait(cloudformation, "stack_create_complete", name)
        action = "created"
    else:
        try:
            cloudformation.update_stack(**request)
        except ClientError as exc:
            if "No updates are to be performed" not in str(exc):
                raise
            action = "unchanged"
        else:
            _wait(cloudformation, "stack_update_complete", name)
            action = "updated"
    stack = _stack(cloudformation, name) or {}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return ConsumerResult(name, action, outputs.get("Url"), outputs)


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise DeployError(f"environment variable {name} is not set: the platform provisions it on this repository")
    return value


def main(argv: list[str] | None = None) -> int:
    import boto3

    from deploy.__main__ import _region, check_account

    parser = argparse.ArgumentParser(
        prog="python -m deploy.consumer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", required=True, choices=STAGES)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    try:
        config = load(args.config)
        session = boto3.Session(region_name=_region())
        check_account(session)
        project = _env("SAGEMAKER_PROJECT_NAME")
        tags = [{"Key": "sagemaker:project-name", "Value": project}, {"Key": "mlops:stage", "Value": args.stage}]
        result = deploy(
            session.client("cloudformation"),
            session.client("ssm"),
            config,
            naming_prefix=_env("MLOPS_NAMING_PREFIX"),
            project=project,
            stage=args.stage,
            tags=tags,
        )
    except (DeployError, ClientError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"consumer stack {result.stack}: {result.action}" + (f"; POST {result.url}" if result.url else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
