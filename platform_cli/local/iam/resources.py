"""The resource ARN a request acts on: the action's ARN template from the Service Authorization Reference, its
variables filled from the request's parameters (botocore names). A template whose variables the request does not
carry is skipped; none fillable -> ``*`` (as for actions without resource types)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from platform_cli.local.iam.actions import resource_templates

# ARN template variable -> request parameters that carry it, in order of preference.
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "RoleNameWithPath": ("RoleName",),
    "RoleName": ("RoleName",),
    "UserNameWithPath": ("UserName",),
    "UserName": ("UserName",),
    "PolicyNameWithPath": ("PolicyName",),
    "OidcProviderName": ("OpenIDConnectProviderArn",),
    "BucketName": ("Bucket", "BucketName"),
    "ObjectName": ("Key",),
    "KeyId": ("KeyId", "TargetKeyId"),
    "SecretId": ("SecretId", "Name"),
    "FunctionName": ("FunctionName",),
    "ModelPackageGroupName": ("ModelPackageGroupName",),
    "ModelPackageName": ("ModelPackageArn", "ModelPackageName"),  # a versioned package is named by its ARN
    "RepositoryName": ("repositoryName", "RepositoryName"),
    "TableName": ("TableName", "ResourceArn"),  # ResourceArn: dynamodb:*TagsOfResource, TagResource
    "ParameterNameWithoutLeadingSlash": ("Name", "ResourceId"),  # ResourceId: ssm:*TagsForResource of a parameter
    "StackName": ("StackName",),
    "RuleName": ("Name", "Rule"),
    "LogGroupName": ("logGroupName",),
    "DomainId": ("DomainId",),
    "PipelineName": ("PipelineName",),
    "TopicName": ("Name", "TopicArn", "ResourceArn"),
    "QueueName": ("QueueName", "QueueUrl"),
    # issue 17: EventBridge Scheduler schedules (group "default" when the request names none, as AWS does) and
    # SageMaker transform jobs.
    "ScheduleName": ("Name",),
    "GroupName": ("GroupName",),
    "TransformJobName": ("TransformJobName",),
}
# Template variables a service fills itself when the request omits them: {service: {variable: value}}.
_SERVICE_DEFAULTS = {"scheduler": {"GroupName": "default"}}
_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")


def _value(variable: str, params: Mapping[str, Any]) -> str | None:
    for name in _PARAMETERS.get(variable, ()):
        value = params.get(name)
        if isinstance(value, str) and value:
            if value.startswith("arn:"):  # an ARN of another service's resource (a key id given as alias ARN…)
                value = value.split(":", 5)[-1].split("/", 1)[-1]
            if variable == "QueueName" and "://" in value:  # a queue URL: .../<account>/<name>
                value = value.rstrip("/").rsplit("/", 1)[-1]
            if variable == "ParameterNameWithoutLeadingSlash":
                value = value.lstrip("/")
            return value
    return None


def _given_arn(template: str, params: Mapping[str, Any]) -> str | None:
    """A full ARN the request gives where the template has a name (``ModelPackageGroupName=arn:…``): itself."""
    service = template.split(":")[2]
    for variable in _VARIABLE.findall(template):
        for name in _PARAMETERS.get(variable, ()):
            value = params.get(name)
            if isinstance(value, str) and value.startswith("arn:") and value.split(":")[2] == service:
                return value
    return None


def resource_of(action: str, params: Mapping[str, Any], *, partition: str, region: str, account: str) -> str:
    """The ARN ``action`` acts on for a request with ``params`` (``*`` when it has no resource).

    The first template whose variables the request fills wins; else the first it partly fills (the rest ``*``,
    e.g. a stack's id before it exists)."""
    fixed = {"Partition": partition, "Region": region, "Account": account}
    templates = resource_templates(action)
    for template in templates:
        given = _given_arn(template, params)
        if given:
            return given
    partial: str | None = None
    for template in templates:
        values: dict[str, str] = {}
        missing = 0
        defaults = _SERVICE_DEFAULTS.get(template.split(":")[2], {})
        for variable in _VARIABLE.findall(template):
            found = fixed.get(variable) or _value(variable, params) or defaults.get(variable)
            if found is None:
                missing += 1
                found = "*"
            values[variable] = found
        arn = _VARIABLE.sub(lambda m, v=values: v[m.group(1)], template)  # type: ignore[misc]
        if not missing:
            return arn
        if partial is None and len(values) - missing > len(fixed.keys() & values.keys()):
            partial = arn
    return partial or "*"
