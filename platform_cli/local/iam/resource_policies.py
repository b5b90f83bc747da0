"""The resource policy of the resource a request acts on, read from moto's backends (``None``: none set)."""

from __future__ import annotations

import json
from collections.abc import Callable

from platform_cli.local.iam.policy import Policy


def _arn_parts(arn: str) -> list[str]:
    return arn.split(":", 5)


def _s3(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.s3.models import s3_backends

    bucket_name = _arn_parts(arn)[5].split("/", 1)[0]
    owner = s3_backends.bucket_accounts.get(bucket_name)
    if owner is None:
        return None, None
    bucket = s3_backends[owner[1]][owner[0]].buckets.get(bucket_name)
    if bucket is None:
        return None, None
    policy = bucket.policy
    text = policy.decode() if isinstance(policy, bytes) else policy
    return (Policy.of(f"bucket policy of {bucket_name}", text) if text else None), bucket.account_id


def _kms(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.kms.models import kms_backends

    parts = _arn_parts(arn)
    owner, key_id = parts[4], parts[5].split("/", 1)[-1]
    backend = kms_backends[owner][parts[3] or region]
    key = backend.describe_key(key_id)  # an id, or an alias (alias/…): the key it names
    return Policy.of(f"key policy of {key_id}", key.policy), owner


def _trust(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.iam.models import iam_backends

    owner = _arn_parts(arn)[4]
    try:
        role = iam_backends[owner][partition].get_role_by_arn(arn)
    except Exception:
        return None, None
    return Policy.of(f"trust policy of {role.arn}", role.assume_role_policy_document), owner


def _secret(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.secretsmanager.models import secretsmanager_backends

    parts = _arn_parts(arn)
    backend = secretsmanager_backends[parts[4]][parts[3] or region]
    try:
        text = backend.get_resource_policy(arn)
    except Exception:
        return None, parts[4]
    found = json.loads(text).get("ResourcePolicy") if text else None
    return (Policy.of(f"resource policy of {arn}", found) if found else None), parts[4]


def _function(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.awslambda.models import lambda_backends

    parts = _arn_parts(arn)
    backend = lambda_backends[parts[4]][parts[3] or region]
    try:
        text = backend.get_policy(arn, None)
    except Exception:
        return None, parts[4]
    # GetPolicy's wire shape: {"Policy": "<the policy document as text>", "RevisionId": ...}
    document = json.loads(text).get("Policy") if text else None
    return (Policy.of(f"function policy of {arn}", document) if document else None), parts[4]


def _model_package_group(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.sagemaker.models import sagemaker_backends

    from platform_cli.local.moto_ext._support import state

    parts = _arn_parts(arn)
    backend = sagemaker_backends[parts[4]][parts[3] or region]
    policies: dict[str, str] = state(backend, "model_package_group_policies", dict)
    text = policies.get(parts[5].split("/", 1)[-1])
    return (Policy.of(f"model package group policy of {arn}", text) if text else None), parts[4]


def _repository(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.ecr.models import ecr_backends

    parts = _arn_parts(arn)
    backend = ecr_backends[parts[4]][parts[3] or region]
    try:
        repository = backend._get_repository(parts[5].split("/", 1)[-1])
    except Exception:
        return None, parts[4]
    text = getattr(repository, "policy", None)
    return (Policy.of(f"repository policy of {arn}", text) if text else None), parts[4]


def _queue(arn: str, partition: str, account: str, region: str) -> tuple[Policy | None, str | None]:
    from moto.sqs.models import sqs_backends

    parts = _arn_parts(arn)
    try:
        queue = sqs_backends[parts[4]][parts[3] or region].get_queue(parts[5])
    except Exception:
        return None, parts[4]
    text = getattr(queue, "policy", None)
    return (Policy.of(f"queue policy of {arn}", text) if text else None), parts[4]


# (service, resource-type marker in the ARN) -> reader; the first whose marker the ARN contains wins.
_READERS: tuple[tuple[str, str, Callable[[str, str, str, str], tuple[Policy | None, str | None]]], ...] = (
    ("s3", "", _s3),
    ("kms", ":key/", _kms),
    ("iam", ":role/", _trust),
    ("secretsmanager", ":secret:", _secret),
    ("lambda", ":function:", _function),
    ("sagemaker", ":model-package-group/", _model_package_group),
    ("sagemaker", ":model-package/", _model_package_group),
    ("ecr", ":repository/", _repository),
    ("sqs", "", _queue),
)
MUST_GRANT = frozenset({"kms", "iam"})  # a key policy / a trust policy must grant
# What a role's trust policy decides besides sts:AssumeRole*: setting the session's source identity on the way in.
_TRUST_ACTIONS = frozenset({"sts:SetSourceIdentity"})


def _trust_action(action: str) -> bool:
    return action.startswith("sts:AssumeRole") or action in _TRUST_ACTIONS


def resource_policy(
    action: str, arn: str, *, partition: str, account: str, region: str
) -> tuple[Policy | None, str | None, bool]:
    """``(policy, owning account, whether that policy must grant)`` for ``action`` on the resource ``arn``.

    A role's trust policy is the resource policy of ``sts:AssumeRole*`` (and ``sts:SetSourceIdentity``) only; IAM
    actions on a role have none."""
    if not arn.startswith("arn:"):
        return None, None, False
    service = _arn_parts(arn)[2]
    if service == "iam" and not _trust_action(action):
        return None, _arn_parts(arn)[4] or None, False
    for reader_service, marker, reader in _READERS:
        if reader_service == service and marker in arn:
            try:
                policy, owner = reader(arn, partition, account, region)
            except Exception:  # the resource does not exist (yet): the service answers that itself
                return None, None, False
            if policy is None and _trust_action(action):
                # a role that does not exist has no trust policy to grant it: AWS answers AccessDenied
                return None, _arn_parts(arn)[4] or None, True
            return policy, owner, service in MUST_GRANT and policy is not None
    owner = _arn_parts(arn)[4]
    return None, owner or None, False
