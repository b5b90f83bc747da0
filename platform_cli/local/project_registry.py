"""The local project registry: what ``mlops project create`` launched in local AWS, kept for list, describe, sync
and delete (``projects/<name>.json`` in one bucket of the dev account).

On AWS SageMaker keeps this (ListProjects, DescribeProject); local AWS launches projects through Service Catalog,
so the CLI records each launch it made. A record holds only what the launch returned and what was asked for —
never the custom resource's properties, which CloudFormation resolves from the project template.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

MISSING = frozenset({"NoSuchBucket", "NoSuchKey", "404"})


def registry_bucket(naming_prefix: str, dev_account: str) -> str:
    """The bucket of the dev account that holds the records."""
    return f"{naming_prefix}-local-projects-{dev_account}"


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in MISSING


@dataclass(frozen=True)
class ProjectRegistry:
    """Records of launched projects in ``bucket`` (``s3``: a client of the dev account's operator)."""

    s3: Any
    bucket: str
    region: str

    def _ensure_bucket(self) -> None:
        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            kwargs: dict[str, Any] = {"Bucket": self.bucket}
            if self.region != "us-east-1":  # S3 refuses a LocationConstraint of us-east-1
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            self.s3.create_bucket(**kwargs)

    def save(self, record: dict[str, Any]) -> None:
        self._ensure_bucket()
        body = json.dumps(record, sort_keys=True).encode()
        self.s3.put_object(Bucket=self.bucket, Key=f"projects/{record['ProjectName']}.json", Body=body)

    def load(self, name: str) -> dict[str, Any] | None:
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=f"projects/{name}.json")["Body"].read()
        except ClientError as error:
            if _missing(error):
                return None
            raise
        record: dict[str, Any] = json.loads(body)
        return record

    def delete(self, name: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=f"projects/{name}.json")

    def all(self) -> list[dict[str, Any]]:
        try:
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="projects/")
            keys = sorted(item["Key"] for page in pages for item in page.get("Contents", []))
        except ClientError as error:
            if _missing(error):  # nothing launched yet: the bucket is made by the first record
                return []
            raise
        return [json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()) for key in keys]
