"""SageMaker model package group extension: delete, resource policies, tags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import unique

_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
                "Action": ["sagemaker:DescribeModelPackage"],
                "Resource": "*",
            }
        ],
    }
)


def test_a_deleted_group_no_longer_exists(sagemaker: Any) -> None:
    name = unique("models")
    sagemaker.create_model_package_group(ModelPackageGroupName=name)
    sagemaker.delete_model_package_group(ModelPackageGroupName=name)
    with pytest.raises(ClientError) as error:
        sagemaker.describe_model_package_group(ModelPackageGroupName=name)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "does not exist" in error.value.response["Error"]["Message"]


def test_deleting_an_unknown_group_is_a_validation_error(sagemaker: Any) -> None:
    with pytest.raises(ClientError) as error:
        sagemaker.delete_model_package_group(ModelPackageGroupName=unique("missing"))
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_group_policy_round_trips_and_is_gone_after_delete(sagemaker: Any) -> None:
    name = unique("models")
    arn = sagemaker.create_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupArn"]
    assert (
        sagemaker.put_model_package_group_policy(ModelPackageGroupName=name, ResourcePolicy=_POLICY)[
            "ModelPackageGroupArn"
        ]
        == arn
    )
    assert json.loads(sagemaker.get_model_package_group_policy(ModelPackageGroupName=name)["ResourcePolicy"]) == (
        json.loads(_POLICY)
    )
    sagemaker.delete_model_package_group_policy(ModelPackageGroupName=name)
    with pytest.raises(ClientError) as error:
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=name)
    assert "Cannot find Model Package Group Policy" in error.value.response["Error"]["Message"]


def test_group_without_tags_lists_an_empty_tag_list(sagemaker: Any) -> None:
    arn = sagemaker.create_model_package_group(ModelPackageGroupName=unique("models"))["ModelPackageGroupArn"]
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == []


def test_tags_of_an_unknown_resource_are_a_validation_error_not_a_server_error(sagemaker: Any) -> None:
    with pytest.raises(ClientError) as error:
        sagemaker.list_tags(ResourceArn="arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/nope")
    assert error.value.response["Error"]["Code"] == "ValidationException"
