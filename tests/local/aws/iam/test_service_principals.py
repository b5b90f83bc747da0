"""AWS services the emulator plays act as their service principals: Studio takes a persona's execution role as
``sagemaker.amazonaws.com`` (the role's trust policy decides), and the service's key grants nothing else."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_cli.local.iam.principals import SAGEMAKER_SERVICE, service_key
from platform_cli.local.project_chain import persona_session
from tests.local.aws.iam.conftest import Principals, allow, denial, document

SAGEMAKER_TRUST = document(
    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


def _studio_client(principals: Principals, service: str, account: str) -> Any:
    session = boto3.Session(
        aws_access_key_id=service_key(SAGEMAKER_SERVICE, account),
        aws_secret_access_key="local-sagemaker-service",
        region_name=principals.local.region,
    )
    return principals.client(session, service)


def _trust_in_account(account: str) -> str:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
    )


def test_studio_obtains_a_persona_role_that_trusts_sagemaker_as_that_role(principals: Principals) -> None:
    role = principals.role(allow("iam:GetRole"), trust=SAGEMAKER_TRUST)

    studio = persona_session(principals.admin(), role, principals.local.info().endpoint_url)

    assert studio is not None
    identity = principals.client(studio, "sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{principals.account('dev')}:assumed-role/{role.split('/')[-1]}/studio"


def test_studio_is_refused_a_role_whose_trust_policy_does_not_name_sagemaker(principals: Principals) -> None:
    role = principals.role(allow("iam:GetRole"))  # trusts the account only

    with pytest.raises(ClientError) as refused:
        persona_session(principals.admin(), role, principals.local.info().endpoint_url)

    code, message, _ = denial(refused)
    assert code == "AccessDenied"
    assert message.startswith("User: sagemaker.amazonaws.com is not authorized to perform: sts:AssumeRole")


def test_the_account_administrator_cannot_assume_a_role_that_trusts_only_sagemaker(principals: Principals) -> None:
    role = principals.role(allow("iam:GetRole"), trust=SAGEMAKER_TRUST)

    with pytest.raises(ClientError) as refused:
        principals.session(role, via=principals.session(principals.role(allow("sts:AssumeRole"))))

    assert denial(refused)[0] == "AccessDenied"


def test_the_sagemaker_service_key_grants_nothing_but_assuming_roles(principals: Principals) -> None:
    iam = _studio_client(principals, "iam", principals.account("dev"))

    with pytest.raises(ClientError) as refused:
        iam.list_roles()

    code, message, _ = denial(refused)
    assert code == "AccessDenied"
    assert message.startswith("User: anonymous is not authorized to perform: iam:ListRoles")


def test_a_resource_policy_naming_a_service_grants_only_that_service(principals: Principals) -> None:
    role = principals.role(
        trust=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        )
    )

    with pytest.raises(ClientError) as refused:
        persona_session(principals.admin(), role, principals.local.info().endpoint_url)

    assert "sagemaker.amazonaws.com is not authorized" in denial(refused)[1]


def test_studio_takes_a_role_whose_trust_is_bound_to_its_own_account(principals: Principals) -> None:
    account = principals.account("dev")
    role = principals.role(trust=_trust_in_account(account))

    credentials = _studio_client(principals, "sts", account).assume_role(RoleArn=role, RoleSessionName="studio")

    assert credentials["AssumedRoleUser"]["Arn"].endswith(f"assumed-role/{role.split('/')[-1]}/studio")


def test_studio_acting_for_another_account_is_refused_a_role_bound_to_its_own(principals: Principals) -> None:
    role = principals.role(trust=_trust_in_account(principals.account("dev")))
    other = _studio_client(principals, "sts", "999999999999")

    with pytest.raises(ClientError) as refused:
        other.assume_role(RoleArn=role, RoleSessionName="studio")

    assert denial(refused)[0] == "AccessDenied"
