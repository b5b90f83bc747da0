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
    "RepositoryName": ("repositoryName", "RepositoryName"),
    "TableName": ("TableName",),
    "ParameterNameWithoutLeadingSlash": ("Name",),
    "StackName": ("StackName",),
    "RuleName": ("Name", "Rule"),
    "LogGroupName": ("logGroupName",),
    "DomainId": ("DomainId",),
    "PipelineName": ("PipelineName",),
}
_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")


def _value(variable: str, params: Mapping[str, Any]) -> str | None:
    for name in _PARAMETERS.get(variable, ()):
        value = params.get(name)
        if isinstance(value, str) and value:
            if value.startswith("arn:"):  # a full ARN given where a name is: its last part
                value = re.split(r"[:/]", value, maxsplit=5)[-1] if variable != "SecretId" else value.split(":")[-1]
            if variable == "ParameterNameWithoutLeadingSlash":
                value = value.lstrip("/")
            return value
    return None


def _full_arn(params: Mapping[str, Any]) -> str | None:
    for name in ("OpenIDConnectProviderArn", "PolicyArn", "ResourceArn", "SecretId", "KeyId", "FunctionName"):
        value = params.get(name)
        if isinstance(value, str) and value.startswith("arn:") and name not in ("PolicyArn",):
            return value
    return None


def resource_of(action: str, params: Mapping[str, Any], *, partition: str, region: str, account: str) -> str:
    """The ARN ``action`` acts on for a request with ``params`` (``*`` when it has no resource)."""
    given = _full_arn(params)
    fixed = {"Partition": partition, "Region": region, "Account": account}
    for template in resource_templates(action):
        values: dict[str, str] = {}
        for variable in _VARIABLE.findall(template):
            found = fixed.get(variable) or _value(variable, params)
            if found is None:
                break
            values[variable] = found
        else:
            arn = _VARIABLE.sub(lambda m: values[m.group(1)], template)
            if given and given.split(":")[2] == arn.split(":")[2]:
                return given
            return arn
    return given or "*"
