"""SageMaker user profile extension: create, describe, update, list, tags, delete, AWS's errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_created_profile_is_described_in_service_with_its_settings(sagemaker: Any, domain_id: str) -> None:
    role = "arn:aws:iam::111111111111:role/data-scientist"
    arn = sagemaker.create_user_profile(
        DomainId=domain_id, UserProfileName="alice", UserSettings={"ExecutionRole": role}
    )["UserProfileArn"]
    described = sagemaker.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    assert arn == f"arn:aws:sagemaker:eu-west-1:111111111111:user-profile/{domain_id}/alice"
    assert described["UserProfileArn"] == arn
    assert described["Status"] == "InService"
    assert described["DomainId"] == domain_id
    assert described["UserSettings"]["ExecutionRole"] == role


def test_profile_in_an_unknown_domain_is_resource_not_found(sagemaker: Any) -> None:
    with pytest.raises(ClientError) as error:
        sagemaker.create_user_profile(DomainId="d-doesnotexist", UserProfileName="alice")
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"


def test_a_duplicate_profile_is_resource_in_use(sagemaker: Any, domain_id: str) -> None:
    sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="bob")
    with pytest.raises(ClientError) as error:
        sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="bob")
    assert error.value.response["Error"]["Code"] == "ResourceInUse"


def test_update_replaces_the_user_settings(sagemaker: Any, domain_id: str) -> None:
    sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="carol")
    role = "arn:aws:iam::111111111111:role/lead"
    sagemaker.update_user_profile(DomainId=domain_id, UserProfileName="carol", UserSettings={"ExecutionRole": role})
    described = sagemaker.describe_user_profile(DomainId=domain_id, UserProfileName="carol")
    assert described["UserSettings"]["ExecutionRole"] == role


def test_list_filters_by_domain_and_pages(sagemaker: Any, domain_id: str) -> None:
    for name in ("p1", "p2", "p3"):
        sagemaker.create_user_profile(DomainId=domain_id, UserProfileName=name)
    first = sagemaker.list_user_profiles(DomainIdEquals=domain_id, MaxResults=2, SortBy="UserProfileName")
    second = sagemaker.list_user_profiles(
        DomainIdEquals=domain_id, MaxResults=2, SortBy="UserProfileName", NextToken=first["NextToken"]
    )
    names = [p["UserProfileName"] for p in first["UserProfiles"] + second["UserProfiles"]]
    assert sorted(names) == ["p1", "p2", "p3"]
    assert all(p["DomainId"] == domain_id for p in first["UserProfiles"])
    assert "NextToken" not in second


def test_profile_tags_are_managed_by_arn_one_value_per_key(sagemaker: Any, domain_id: str) -> None:
    arn = sagemaker.create_user_profile(
        DomainId=domain_id, UserProfileName="dave", Tags=[{"Key": "team", "Value": "a"}]
    )["UserProfileArn"]
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}, {"Key": "cost", "Value": "1"}])
    sagemaker.delete_tags(ResourceArn=arn, TagKeys=["cost"])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "b"}]


def test_a_deleted_profile_is_resource_not_found(sagemaker: Any, domain_id: str) -> None:
    sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="erin")
    sagemaker.delete_user_profile(DomainId=domain_id, UserProfileName="erin")
    with pytest.raises(ClientError) as error:
        sagemaker.describe_user_profile(DomainId=domain_id, UserProfileName="erin")
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"
    sagemaker.delete_domain(DomainId=domain_id)  # no profile left: the domain can go
