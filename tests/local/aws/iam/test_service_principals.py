"""AWS services the emulator plays act as their service principals: Studio takes a persona's execution role as
``sagemaker.amazonaws.com`` (the role's trust policy decides), and the service's key grants nothing else."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_cli.local.project_chain import STUDIO_SERVICE_KEY, persona_session
from tests.local.aws.iam.conftest import Principals, allow, denial, document

SAGEMAKER_TRUST = document(
    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


def _service_client(principals: Principals, service: str) -> object:
    session = boto3.Session(
        aws_access_key_id=STUDIO_SERVICE_KEY[0],
        aws_secret_access_key=STUDIO_SERVICE_KEY[1],
        region_name=principals.local.region,
    )
    return principals.client(session, service)


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
    iam = _service_client(principals, "iam")

    with pytest.raises(ClientError) as refused:
        iam.list_roles()  # type: ignore[attr-defined]

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
