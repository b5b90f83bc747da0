"""What the base infrastructure publishes in each account's SSM (the /mlops/ contract) that deployments need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy.errors import DeployError

ARTIFACT_BUCKET = "/mlops/s3/artifact_bucket"
KMS_KEY = "/mlops/kms/artifacts_key_arn"
SUBNETS = "/mlops/network/private_subnet_ids"
SECURITY_GROUP = "/mlops/network/security_group_id"


@dataclass(frozen=True)
class AccountPlatform:
    artifact_bucket: str
    kms_key_arn: str | None
    subnet_ids: list[str]
    security_group_ids: list[str]

    @property
    def vpc_config(self) -> dict[str, list[str]] | None:
        if not self.subnet_ids or not self.security_group_ids:
            return None
        return {"Subnets": self.subnet_ids, "SecurityGroupIds": self.security_group_ids}


def _optional(ssm: Any, name: str) -> str | None:
    try:
        return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        return None


def read(ssm: Any) -> AccountPlatform:
    bucket = _optional(ssm, ARTIFACT_BUCKET)
    if not bucket:
        raise DeployError(f"SSM parameter {ARTIFACT_BUCKET} is missing in this account: apply base-infrastructure")
    subnets = _optional(ssm, SUBNETS)
    security_group = _optional(ssm, SECURITY_GROUP)
    return AccountPlatform(
        artifact_bucket=bucket,
        kms_key_arn=_optional(ssm, KMS_KEY),
        subnet_ids=[s for s in (subnets or "").split(",") if s],
        security_group_ids=[security_group] if security_group else [],
    )
