"""A stack's resources, authorised as the stack's role — as CloudFormation acts when a stack has a service role (a
Service Catalog launch: the launch constraint's role).

For each resource CloudFormation creates, updates or deletes, the resource type's handler permissions for that
operation (the CloudFormation resource provider schemas, extracted into ``handler_permissions.json`` when the
project templates are rendered) must each be allowed to the role — identity policies ∩ permissions boundary,
resource policies — by the local evaluator, on the resource's ARN. A custom resource needs ``lambda:InvokeFunction``
on its ServiceToken. The first permission refused fails the resource with CloudFormation's wording of a handler's
AccessDenied, naming the action and the resource.

Two small tables complete the schemas where they are silent: the resource's ARN per type (actions of another
service than the type's own are asked on ``*``, as the schemas give no resource for them), and the permissions a
handler needs only when a property is set (``CONDITIONAL``: e.g. a bucket's S3 Tables configuration). ``iam:PassRole``
is asked on each role the resource's properties pass (a function's execution role, a bucket's replication role),
with ``iam:PassedToService``, and not at all when they pass none.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from platform_cli.local.iam import log, mode
from platform_cli.local.iam.evaluator import Decision
from platform_cli.local.iam.exceptions import UnknownResourceTypeError
from platform_cli.local.iam.passed_roles import passed_role_arns
from platform_cli.local.iam.principals import Caller
from platform_cli.local.iam.service_roles import role_caller

HANDLER_PERMISSIONS = Path(__file__).with_name("handler_permissions.json")
SESSION_NAME = "AWSCloudFormation"  # the session CloudFormation opens with a stack's role
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"

# (resource type, permission or ``service:`` prefix) -> the property that makes the handler call it.
CONDITIONAL: dict[tuple[str, str], str] = {
    ("AWS::S3::Bucket", "s3tables:"): "MetadataTableConfiguration",
    ("AWS::S3::Bucket", "s3:CreateBucketMetadataTableConfiguration"): "MetadataTableConfiguration",
    ("AWS::S3::Bucket", "s3:GetBucketMetadataTableConfiguration"): "MetadataTableConfiguration",
    ("AWS::ECR::Repository", "kms:"): "EncryptionConfiguration",  # a KMS key of the repository's encryption
    ("AWS::Lambda::Function", "elasticfilesystem:DescribeMountTargets"): "FileSystemConfigs",  # mounted file systems
    ("AWS::Lambda::Function", "s3files:ListMountTargets"): "FileSystemConfigs",
}


@dataclass(frozen=True)
class Resource:
    """One resource of a stack, as CloudFormation's handler sees it."""

    kind: str
    logical_id: str
    properties: Mapping[str, Any]
    physical_name: str | None = None


@lru_cache(maxsize=1)
def _handlers() -> dict[str, dict[str, list[str]]]:
    loaded: dict[str, dict[str, list[str]]] = json.loads(HANDLER_PERMISSIONS.read_text(encoding="utf-8"))[
        "resource_types"
    ]
    return loaded


def is_custom(kind: str) -> bool:
    return kind == CUSTOM_RESOURCE or kind.startswith("Custom::")


def _conditional_on(kind: str, action: str) -> str | None:
    for (typed, pattern), prop in CONDITIONAL.items():
        if typed == kind and (action == pattern or (pattern.endswith(":") and action.startswith(pattern))):
            return prop
    return None


def permissions(resource: Resource, operation: str) -> list[str]:
    """The permissions ``operation`` (create, update, delete) of ``resource`` needs."""
    if is_custom(resource.kind):
        return ["lambda:InvokeFunction"]
    handlers = _handlers().get(resource.kind)
    if handlers is None:
        raise UnknownResourceTypeError(
            f"{resource.kind}: local AWS knows no handler permissions for this type, so cannot authorise it as the "
            f"stack's role ({HANDLER_PERMISSIONS.name} holds the project templates' types: `make project-templates`)"
        )
    needed = []
    for action in handlers.get(operation, []):
        prop = _conditional_on(resource.kind, action)
        if action == "iam:PassRole" and resource.kind != "AWS::IAM::Role" and not passed_roles(resource):
            continue  # a handler passes a role only when the resource names one (a replication or execution role)
        if prop is None or resource.properties.get(prop):
            needed.append(action)
    return needed


def passed_roles(resource: Resource) -> list[str]:
    """The role ARNs the resource's properties pass (``iam:PassRole`` is asked on each)."""
    return passed_role_arns(resource.properties)


def _name(resource: Resource, key: str) -> str:
    return str(resource.properties.get(key) or resource.physical_name or resource.logical_id)


def _function_arn(name_or_arn: str, partition: str, region: str, account: str) -> str:
    return (
        name_or_arn
        if name_or_arn.startswith("arn:")
        else f"arn:{partition}:lambda:{region}:{account}:function:{name_or_arn}"
    )


_ARNS: dict[str, Callable[[Resource, str, str, str], str]] = {
    "AWS::S3::Bucket": lambda r, p, region, a: f"arn:{p}:s3:::{_name(r, 'BucketName')}",
    "AWS::S3::BucketPolicy": lambda r, p, region, a: f"arn:{p}:s3:::{r.properties.get('Bucket', '')}",
    "AWS::IAM::Role": lambda r, p, region, a: (
        f"arn:{p}:iam::{a}:role{r.properties.get('Path') or '/'}{_name(r, 'RoleName')}"
    ),
    "AWS::SageMaker::ModelPackageGroup": lambda r, p, region, a: (
        f"arn:{p}:sagemaker:{region}:{a}:model-package-group/{_name(r, 'ModelPackageGroupName').lower()}"
    ),
    "AWS::SageMaker::CodeRepository": lambda r, p, region, a: (
        f"arn:{p}:sagemaker:{region}:{a}:code-repository/{_name(r, 'CodeRepositoryName').lower()}"
    ),
    "AWS::ECR::Repository": lambda r, p, region, a: f"arn:{p}:ecr:{region}:{a}:repository/{_name(r, 'RepositoryName')}",
    "AWS::Lambda::Function": lambda r, p, region, a: f"arn:{p}:lambda:{region}:{a}:function:{_name(r, 'FunctionName')}",
    "AWS::Lambda::Permission": lambda r, p, region, a: _function_arn(
        str(r.properties.get("FunctionName", "")), p, region, a
    ),
    "AWS::Events::Rule": lambda r, p, region, a: f"arn:{p}:events:{region}:{a}:rule/{_name(r, 'Name')}",
    "AWS::SQS::Queue": lambda r, p, region, a: f"arn:{p}:sqs:{region}:{a}:{_name(r, 'QueueName')}",
}
_SERVICES = {kind: kind.split("::")[1].lower() for kind in _ARNS}


def resource_arn(resource: Resource, action: str, *, partition: str, region: str, account: str) -> str:
    """The resource ``action`` is asked on: the resource's own ARN for its service's actions, the passed role for
    ``iam:PassRole``, the function for a custom resource's invocation, else ``*``."""
    if is_custom(resource.kind):
        return str(resource.properties.get("ServiceToken", "*"))
    if action == "iam:PassRole" and resource.kind != "AWS::IAM::Role":
        return next(iter(passed_roles(resource)), "*")
    arn = _ARNS.get(resource.kind)
    if arn is None or action.split(":", 1)[0] != _SERVICES[resource.kind]:
        return "*"
    return arn(resource, partition, region, account)


def stack_role_caller(role_arn: str, *, partition: str) -> Caller:
    """The session CloudFormation holds with ``role_arn``; a role that does not exist grants nothing."""
    return role_caller(role_arn, SESSION_NAME, partition=partition)


def _context(caller_: Caller, resource: Resource, action: str, region: str) -> dict[str, str | list[str]]:
    context: dict[str, str | list[str]] = {
        "aws:SecureTransport": "true",
        "aws:PrincipalArn": caller_.principal.aliases[0],
        "aws:PrincipalAccount": caller_.principal.account,
        "aws:RequestedRegion": region,
    }
    boundary = resource.properties.get("PermissionsBoundary")
    if resource.kind == "AWS::IAM::Role" and action.startswith("iam:") and isinstance(boundary, str):
        context["iam:PermissionsBoundary"] = boundary
    return context


def authorise(
    role_arn: str, resource: Resource, operation: str, *, partition: str, region: str, account: str
) -> Decision | None:
    """Every permission ``operation`` of ``resource`` needs, decided for the stack's role (each decision logged);
    the first refusal, or ``None`` when all are allowed (or the mode is permissive)."""
    from platform_cli.local.iam.hook import decide

    caller_ = stack_role_caller(role_arn, partition=partition)
    where = {"partition": partition, "region": region, "account": account}
    enforced = mode.current() == "strict"
    refused: Decision | None = None
    for action in permissions(resource, operation):
        passing = action == "iam:PassRole" and resource.kind != "AWS::IAM::Role"
        arns = passed_roles(resource) if passing else [resource_arn(resource, action, **where)]
        for arn in arns:
            started = time.perf_counter()
            context = _context(caller_, resource, action, region)
            if passing:
                context["iam:PassedToService"] = (
                    f"{_SERVICES.get(resource.kind, resource.kind.split('::')[1].lower())}.amazonaws.com"
                )
            decision = decide(caller_, action, arn, context, partition=partition, region=region)
            log.record(decision, enforced=enforced, seconds=time.perf_counter() - started)
            if not decision.allowed and refused is None:
                refused = decision
        if refused is not None and enforced:
            break
    return refused if enforced else None


def handler_reason(decision: Decision) -> str:
    """CloudFormation's resource status reason for a handler refused by IAM."""
    service = decision.request.action.split(":", 1)[0]
    return (
        f'Resource handler returned message: "{decision.message()} (Service: {service}, Status Code: 403)" '
        "(HandlerErrorCode: AccessDenied)"
    )
