"""Emptying a versioned bucket whose keys carry delete markers never fails with a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from platform_cli.local.moto_ext import s3_delete_marker_dispose

REGION = "eu-west-1"


@pytest.fixture
def s3() -> Iterator[Any]:
    s3_delete_marker_dispose.register()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
        client.create_bucket(Bucket="state", CreateBucketConfiguration={"LocationConstraint": REGION})
        client.put_bucket_versioning(Bucket="state", VersioningConfiguration={"Status": "Enabled"})
        yield client


def test_dropping_a_key_whose_versions_include_a_delete_marker_succeeds(s3: Any) -> None:
    s3.put_object(Bucket="state", Key="report.json", Body=b"{}")
    s3.delete_object(Bucket="state", Key="report.json")  # leaves a delete marker on top of the version
    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].get_bucket("state")
    # What a concurrent DeleteObjects hits when another request already removed the key's last real version.
    bucket.keys.pop("report.json")
    assert "report.json" not in bucket.keys


def test_deleting_every_version_and_marker_in_one_request_empties_the_bucket(s3: Any) -> None:
    for body in (b"1", b"2"):
        s3.put_object(Bucket="state", Key="a", Body=body)
    s3.delete_object(Bucket="state", Key="a")
    listed = s3.list_object_versions(Bucket="state")
    objects = [
        {"Key": item["Key"], "VersionId": item["VersionId"]}
        for item in listed.get("Versions", []) + listed.get("DeleteMarkers", [])
    ]
    answer = s3.delete_objects(Bucket="state", Delete={"Objects": objects})
    assert not answer.get("Errors")
    assert "Versions" not in s3.list_object_versions(Bucket="state")
