"""IAM's size quotas on a role, as AWS enforces them: the trust policy (ACLSizePerRole; the rehearsal's accounts have
the raised 4,096) and the inline policies together (RolePolicySize, 10,240); white space is not counted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws
from platform_cli.local.aws.server import RAISED_TRUST_POLICY_QUOTA

from .conftest import unique


def _trust(size: int) -> str:
    """A trust policy of exactly ``size`` characters once white space is left out."""
    statement = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    document = {"Version": "2012-10-17", "Statement": [{**statement, "Sid": ""}]}
    filler = size - len(json.dumps(document, separators=(",", ":")))
    document["Statement"][0]["Sid"] = "S" * filler
    return json.dumps(document, indent=4)  # pretty-printed: the white space must not count


def _policy(size: int) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ""}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    statement["Resource"] = "arn:aws:s3:::" + "b" * (size - len(json.dumps(document, separators=(",", ":"))) - 13)
    return json.dumps(document)


@pytest.fixture
def iam(local_aws: LocalAws) -> Any:
    return local_aws.session_for("dev").client("iam")


def test_a_trust_policy_at_the_quota_is_accepted_however_it_is_indented(iam: Any) -> None:
    name = unique("at-quota")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(RAISED_TRUST_POLICY_QUOTA))
    assert iam.get_role(RoleName=name)["Role"]["RoleName"] == name


def test_a_trust_policy_over_the_quota_is_refused_on_create_and_on_update(iam: Any) -> None:
    with pytest.raises(ClientError) as created:
        iam.create_role(RoleName=unique("over"), AssumeRolePolicyDocument=_trust(RAISED_TRUST_POLICY_QUOTA + 1))
    assert created.value.response["Error"]["Code"] == "LimitExceeded"
    assert (
        created.value.response["Error"]["Message"]
        == f"Cannot exceed quota for ACLSizePerRole: {RAISED_TRUST_POLICY_QUOTA}"
    )
    name = unique("kept")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(300))
    with pytest.raises(ClientError) as updated:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=_trust(RAISED_TRUST_POLICY_QUOTA + 1))
    assert updated.value.response["Error"]["Code"] == "LimitExceeded"
    kept = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    assert len(json.dumps(kept, separators=(",", ":"))) == 300  # the trust it had


def test_inline_policies_beyond_10240_characters_together_are_refused(iam: Any) -> None:
    name = unique("inline")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(300))
    iam.put_role_policy(RoleName=name, PolicyName="one", PolicyDocument=_policy(6000))
    iam.put_role_policy(RoleName=name, PolicyName="one", PolicyDocument=_policy(9000))  # replaced: counted once
    with pytest.raises(ClientError) as error:
        iam.put_role_policy(RoleName=name, PolicyName="two", PolicyDocument=_policy(1300))
    assert error.value.response["Error"]["Code"] == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == f"Maximum policy size of 10240 bytes exceeded for role {name}"
    iam.put_role_policy(RoleName=name, PolicyName="two", PolicyDocument=_policy(1240))
    assert sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]) == ["one", "two"]
