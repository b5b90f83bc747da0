"""Play CloudFormation for ``Custom::ProjectRepos`` against local AWS: the CLI's ``mlops project`` on the
embedded defaults goes through exactly the Lambda's code path.

For each request it builds the event CloudFormation would send (including a pre-signed S3 PUT URL for the
answer, generated against local AWS), calls the real handler, then reads the response document back from S3.
Projects created this way are recorded in the same bucket (``projects/<name>.json``) for list/describe/sync.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from platform_cli.lambdas.exceptions import LambdaError
from platform_cli.project_templates.properties import new_project_id, template_properties

Handler = Callable[[dict[str, Any], Any], Any]
LOGICAL_ID = "ProjectRepos"
__all__ = ["LOGICAL_ID", "LocalCloudFormation", "LocalContext", "new_project_id", "template_properties"]


class LocalContext:
    """The part of the Lambda context the handler uses."""

    def __init__(self, timeout_seconds: float, request_id: str) -> None:
        import time

        self._end = time.monotonic() + timeout_seconds
        self.aws_request_id = request_id
        self.function_name = "mlops-project-repos-local"

    def get_remaining_time_in_millis(self) -> int:
        import time

        return max(int((self._end - time.monotonic()) * 1000), 0)


@dataclass
class LocalCloudFormation:
    """Sends custom-resource events to ``handler`` and reads the answers from S3 (local AWS)."""

    s3: Any
    bucket: str
    handler: Handler
    region: str = "eu-west-1"
    account: str = "111111111111"
    sagemaker: Any = None

    def create_project_resources(self, properties: dict[str, Any]) -> None:
        """What the template creates before the custom resource: the artifact bucket and model package group."""
        self._bucket(properties["ArtifactBucket"])
        if self.sagemaker is not None:
            group = properties["ModelPackageGroupName"]
            try:
                self.sagemaker.describe_model_package_group(ModelPackageGroupName=group)
            except Exception:
                self.sagemaker.create_model_package_group(
                    ModelPackageGroupName=group,
                    Tags=[
                        {"Key": "mlops:project-name", "Value": properties["ProjectName"]},
                        {"Key": "mlops:project-id", "Value": properties["ProjectId"]},
                    ],
                )

    def delete_project_resources(self, properties: dict[str, Any], *, rollback: bool = False) -> None:
        """Stack deletion: the model package group goes; the bucket is retained (``DeletionPolicy:
        RetainExceptOnCreate``) unless this is the rollback of the create that made it, which deletes it too."""
        if self.sagemaker is not None:
            with contextlib.suppress(Exception):  # already gone (or never created): nothing to delete
                self.sagemaker.delete_model_package_group(ModelPackageGroupName=properties["ModelPackageGroupName"])
        if rollback:
            self._delete_bucket(properties["ArtifactBucket"])

    def _delete_bucket(self, name: str) -> None:
        from botocore.exceptions import ClientError

        try:
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=name)
            for page in pages:
                for item in page.get("Contents", []):
                    self.s3.delete_object(Bucket=name, Key=item["Key"])
            self.s3.delete_bucket(Bucket=name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("NoSuchBucket", "404"):
                raise

    def _bucket(self, name: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self.s3.head_bucket(Bucket=name)
        except ClientError:
            kwargs: dict[str, Any] = {"Bucket": name}
            if self.region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            self.s3.create_bucket(**kwargs)

    def ensure_bucket(self) -> None:
        self._bucket(self.bucket)

    def send(
        self,
        request_type: str,
        stack_name: str,
        properties: dict[str, Any],
        *,
        physical_id: str | None = None,
        old_properties: dict[str, Any] | None = None,
        timeout_seconds: float = 300.0,
    ) -> dict[str, Any]:
        """One event through the handler; returns the response document CloudFormation would have received."""
        self.ensure_bucket()
        request_id = str(uuid.uuid4())
        stack_id = f"arn:aws:cloudformation:{self.region}:{self.account}:stack/{stack_name}/{request_id}"
        key = f"responses/{stack_name}/{request_id}"
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=7200)
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": properties.get("ServiceToken", ""),
            "ResponseURL": url,
            "StackId": stack_id,
            "RequestId": request_id,
            "ResourceType": "Custom::ProjectRepos",
            "LogicalResourceId": LOGICAL_ID,
            "ResourceProperties": properties,
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            event["OldResourceProperties"] = old_properties
        self.handler(event, LocalContext(timeout_seconds, request_id))
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception:
            raise LambdaError(
                f"the handler did not answer CloudFormation for {stack_name} ({request_type}); see its logs"
            ) from None
        document: dict[str, Any] = json.loads(body)
        return document

    # -- the local project registry -----------------------------------------------------------------------------

    def save_project(self, record: dict[str, Any]) -> None:
        self.ensure_bucket()
        self.s3.put_object(
            Bucket=self.bucket,
            Key=f"projects/{record['ProjectName']}.json",
            Body=json.dumps(record, sort_keys=True).encode(),
        )

    def load_project(self, name: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=f"projects/{name}.json")["Body"].read()
        except ClientError:
            return None
        record: dict[str, Any] = json.loads(body)
        return record

    def delete_project(self, name: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=f"projects/{name}.json")

    def list_projects(self) -> list[dict[str, Any]]:
        from botocore.exceptions import ClientError

        try:
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="projects/")
            keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        except ClientError:
            return []
        records = []
        for key in sorted(keys):
            records.append(json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()))
        return records
