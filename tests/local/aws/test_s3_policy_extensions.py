"""moto extensions for S3 bucket policies that the base infrastructure applies (TLS-only, access-log targets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from platform_cli.local.moto_ext import s3_logging_target_policy, s3_policy_conditions

REGION = "eu-west-1"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # moto's own bucket-policy check (which these extensions amend) runs only when the IAM evaluator does not
    # decide bucket policies: permissive on purpose. Strict bucket policies: tests/local/aws/iam.
    monkeypatch.setenv("MLOPS_LOCAL_IAM", "permissive")
    s3_policy_conditions.register()
    s3_logging_target_policy.register()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
        yield client


def _bucket(s3: Any, name: str, statements: list[dict[str, Any]]) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))


def _tls_only(name: str) -> dict[str, Any]:
    return {
        "Sid": "DenyRequestsWithoutTls",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_objects_can_be_written_and_read_in_a_bucket_with_a_tls_only_policy(s3: Any) -> None:
    _bucket(s3, "tls-only-bucket", [_tls_only("tls-only-bucket")])

    s3.put_object(Bucket="tls-only-bucket", Key="model.tar.gz", Body=b"weights")

    assert s3.get_object(Bucket="tls-only-bucket", Key="model.tar.gz")["Body"].read() == b"weights"


def test_an_unconditional_deny_statement_still_denies(s3: Any) -> None:
    _bucket(
        s3,
        "deny-put-bucket",
        [{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::deny-put-bucket/*"}],
    )

    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="deny-put-bucket", Key="k", Body=b"x")

    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_logging_into_a_target_whose_policy_also_has_a_star_principal_statement_succeeds(s3: Any) -> None:
    _bucket(
        s3,
        "access-log-target",
        [
            _tls_only("access-log-target"),
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::access-log-target/*",
            },
        ],
    )
    s3.create_bucket(Bucket="source-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})

    s3.put_bucket_logging(
        Bucket="source-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-log-target", "TargetPrefix": "source/"}},
    )

    enabled = s3.get_bucket_logging(Bucket="source-bucket")["LoggingEnabled"]
    assert enabled == {"TargetBucket": "access-log-target", "TargetPrefix": "source/"}


def test_logging_into_a_target_that_does_not_let_the_logging_service_write_is_refused(s3: Any) -> None:
    _bucket(s3, "closed-log-target", [_tls_only("closed-log-target")])
    s3.create_bucket(Bucket="other-source", CreateBucketConfiguration={"LocationConstraint": REGION})

    with pytest.raises(ClientError) as error:
        s3.put_bucket_logging(
            Bucket="other-source",
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "closed-log-target", "TargetPrefix": "x/"}},
        )

    assert error.value.response["Error"]["Code"] == "InvalidTargetBucketForLogging"
