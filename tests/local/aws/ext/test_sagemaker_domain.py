"""SageMaker domain extension: ids, tags, tag propagation, AWS's not-found and in-use errors, update."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws

from .conftest import unique


def _raw_create_domain(local_aws: LocalAws, name: str) -> dict[str, Any]:
    """CreateDomain's raw JSON answer: the boto3 of this venv predates ``DomainId`` and would drop it."""
    credentials = local_aws.session_for("dev").get_credentials().get_frozen_credentials()
    body = json.dumps(
        {"DomainName": name, "AuthMode": "IAM", "DefaultUserSettings": {}, "SubnetIds": ["s"], "VpcId": "v"}
    )
    aws_request = AWSRequest(
        method="POST",
        url=local_aws.info().endpoint_url + "/",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SageMaker.CreateDomain"},
    )
    SigV4Auth(credentials, "sagemaker", "eu-west-1").add_auth(aws_request)
    http = urllib.request.Request(aws_request.url, data=body.encode(), headers=dict(aws_request.headers), method="POST")  # noqa: S310
    with urllib.request.urlopen(http, timeout=10) as response:  # noqa: S310 (loopback)
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def test_create_domain_answers_an_aws_shaped_domain_id_matching_its_arn(local_aws: LocalAws) -> None:
    answer = _raw_create_domain(local_aws, unique("studio"))
    assert re.fullmatch(r"d-[a-z0-9]{12}", answer["DomainId"])
    assert answer["DomainArn"].endswith(f":domain/{answer['DomainId']}")


def test_describe_domain_is_in_service_with_tag_propagation(sagemaker: Any) -> None:
    created = sagemaker.create_domain(
        DomainName=unique("studio"),
        AuthMode="IAM",
        DefaultUserSettings={},
        SubnetIds=["subnet-1"],
        VpcId="vpc-1",
        TagPropagation="ENABLED",
    )
    domain_id = created["DomainArn"].rsplit("/", 1)[-1]
    described = sagemaker.describe_domain(DomainId=domain_id)
    assert described["Status"] == "InService"
    assert described["DomainId"] == domain_id
    assert described["TagPropagation"] == "ENABLED"


def test_domain_tags_are_listed_by_arn(sagemaker: Any) -> None:
    created = sagemaker.create_domain(
        DomainName=unique("studio"),
        AuthMode="IAM",
        DefaultUserSettings={},
        SubnetIds=["subnet-1"],
        VpcId="vpc-1",
        Tags=[{"Key": "team", "Value": "ml"}],
    )
    assert sagemaker.list_tags(ResourceArn=created["DomainArn"])["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_a_second_domain_with_the_same_name_is_refused(sagemaker: Any) -> None:
    name = unique("studio")
    sagemaker.create_domain(DomainName=name, AuthMode="IAM", DefaultUserSettings={}, SubnetIds=["s"], VpcId="v")
    with pytest.raises(ClientError) as error:
        sagemaker.create_domain(DomainName=name, AuthMode="IAM", DefaultUserSettings={}, SubnetIds=["s"], VpcId="v")
    assert error.value.response["Error"]["Code"] == "ResourceInUse"


def test_a_deleted_domain_is_resource_not_found(sagemaker: Any, domain_id: str) -> None:
    sagemaker.delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    with pytest.raises(ClientError) as error:
        sagemaker.describe_domain(DomainId=domain_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as error:
        sagemaker.delete_domain(DomainId=domain_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"


def test_a_domain_with_user_profiles_cannot_be_deleted(sagemaker: Any, domain_id: str) -> None:
    sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    with pytest.raises(ClientError) as error:
        sagemaker.delete_domain(DomainId=domain_id)
    assert error.value.response["Error"]["Code"] == "ResourceInUse"


def test_update_domain_changes_default_user_settings(sagemaker: Any, domain_id: str) -> None:
    role = "arn:aws:iam::111111111111:role/new-execution"
    sagemaker.update_domain(DomainId=domain_id, DefaultUserSettings={"ExecutionRole": role})
    assert sagemaker.describe_domain(DomainId=domain_id)["DefaultUserSettings"]["ExecutionRole"] == role
