"""CloudFormation custom resources run for real: moto 5.2.5 sends a Create to a Lambda-backed custom resource only
through Docker, never sends Update or Delete, ignores FAILED and never rolls back.

Here a ``Custom::*`` or ``AWS::CloudFormation::CustomResource`` whose ``ServiceToken`` is a Lambda function in
local AWS is run as CloudFormation runs it:

- the request (``RequestType``, ``ResponseURL``, ``StackId``, ``RequestId``, ``LogicalResourceId``,
  ``ResourceType``, ``ResourceProperties``; ``PhysicalResourceId`` and ``OldResourceProperties`` where AWS sends
  them) goes to the function through the local Lambda runtime (``lambda_local_runtime``);
- ``ResponseURL`` is a real pre-signed S3 PUT URL on a bucket of the stack's account; the answer is read from it.
  The invocation runs to its end (or its timeout) first, then an answer still missing after
  ``MLOPS_CUSTOM_RESOURCE_WAIT`` seconds (default 5) fails the resource as CloudFormation's one-hour wait would;
  with a ``ServiceTimeout`` property CloudFormation waits that long for the answer, the function running on;
- ``SUCCESS`` creates the resource with the answered ``PhysicalResourceId`` and ``Data`` (``Fn::GetAtt`` and
  Outputs read it); ``FAILED`` fails the operation with the answered ``Reason``;
- on Update a changed ``PhysicalResourceId`` replaces the resource: the old one then gets a Delete;
- deleting the stack sends Delete; a failed create rolls back (created resources deleted, custom ones with a
  Delete request) to ``ROLLBACK_COMPLETE`` (``CREATE_FAILED`` with rollback disabled); a failed update restores
  the previous template's resources where moto can and ends ``UPDATE_ROLLBACK_COMPLETE``; a failed delete is
  ``DELETE_FAILED``.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from platform_cli.local.iam.principals import CLOUDFORMATION_SERVICE
from platform_cli.local.moto_ext._after_import import after_import

CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"
WAIT_VARIABLE = "MLOPS_CUSTOM_RESOURCE_WAIT"
_MARK = "_mlops_custom_resources_registered"
_GONE = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "ROLLBACK_IN_PROGRESS", "CREATE_FAILED"}


class CustomResourceFailed(BaseException):
    """A custom resource answered FAILED, or did not answer; the message is CloudFormation's reason.

    A ``BaseException`` on purpose: moto's resource loops catch ``Exception`` and retry the same resource up to
    five times (meant for dependency order), which would send the function the same request again; the stack
    operations below catch this one and fail, roll back or report as CloudFormation does.
    """

    def __init__(self, logical_id: str, reason: str, rollback: Callable[[], object] | None = None) -> None:
        super().__init__(reason)
        self.logical_id = logical_id
        self.reason = reason
        self.rollback = rollback  # the Delete CloudFormation sends a custom resource whose Create failed


def response_bucket(account_id: str, region: str) -> str:
    """The bucket the pre-signed ResponseURLs point at (one per account and region, created on first use)."""
    return f"cloudformation-custom-resource-response-{region}-{account_id}"


def _s3_backend(account_id: str, region: str) -> Any:
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    return s3_backends[account_id][get_partition(region)]


def _response_bucket_policy(bucket: str, partition: str) -> str:
    """The response bucket belongs to CloudFormation: only the service writes the answers into it."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFormationWritesCustomResourceAnswers",
                    "Effect": "Allow",
                    "Principal": {"Service": CLOUDFORMATION_SERVICE},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:{partition}:s3:::{bucket}/*",
                }
            ],
        }
    )


def presigned_response_url(account_id: str, region: str, key: str) -> str:
    """A pre-signed PUT URL for ``key`` in the account's response bucket, signed as on AWS by the CloudFormation
    service (a session the server registers as ``cloudformation.amazonaws.com``; the bucket's policy lets only
    that service put the answers)."""
    import boto3
    from botocore.config import Config
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam.principals import register_service_session
    from platform_cli.local.moto_ext.lambda_local_runtime import role_environment

    backend = _s3_backend(account_id, region)
    bucket = response_bucket(account_id, region)
    if bucket not in backend.buckets:
        backend.create_bucket(bucket, region)
        backend.put_bucket_policy(bucket, _response_bucket_policy(bucket, get_partition(region)).encode())
    env = role_environment(
        account_id, region, f"arn:aws:iam::{account_id}:role/cloudformation-custom-resource-response", "cloudformation"
    )
    register_service_session(env["AWS_ACCESS_KEY_ID"], CLOUDFORMATION_SERVICE, account_id)
    client = boto3.client(
        "s3",
        region_name=region,
        endpoint_url=env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )
    url: str = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=7200)
    return url


def _read_answer(account_id: str, region: str, key: str, wait_seconds: float) -> dict[str, Any] | None:
    backend = _s3_backend(account_id, region)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            found = backend.get_object(response_bucket(account_id, region), key)
        except Exception:
            found = None
        if found is not None:
            answer: dict[str, Any] = json.loads(found.value or b"{}")
            return answer
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)


def _service_timeout(properties: dict[str, Any], logical_id: str) -> float | None:
    """The custom resource's ``ServiceTimeout`` (1-3600 s): how long CloudFormation waits for each answer."""
    value = properties.get("ServiceTimeout")
    if value in (None, ""):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise CustomResourceFailed(
            logical_id, f"ServiceTimeout must be a number of seconds (1-3600), not {value!r}"
        ) from None
    return min(max(seconds, 1.0), 3600.0)


def send_request(
    *,
    account_id: str,
    region: str,
    stack_id: str,
    logical_id: str,
    resource_type: str,
    request_type: str,
    properties: dict[str, Any],
    physical_id: str | None = None,
    old_properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Send one request to the custom resource's function and return its SUCCESS answer (raise on FAILED)."""
    from moto.awslambda.utils import get_backend as get_lambda_backend

    from platform_cli.local.moto_ext.lambda_local_runtime import run_function

    token = properties.get("ServiceToken")
    if not token:
        raise CustomResourceFailed(logical_id, "ServiceToken is required")
    try:
        function = get_lambda_backend(account_id, region).get_function(token)
    except Exception:
        raise CustomResourceFailed(logical_id, f"Invalid service token: {token} (no such Lambda function)") from None
    request_id = str(uuid.uuid4())
    key = f"{stack_id.replace(':', '_').replace('/', '|')}|{logical_id}|{request_id}"
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": presigned_response_url(account_id, region, key),
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "ResourceProperties": properties,
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = old_properties
    service_timeout = _service_timeout(properties, logical_id)
    if service_timeout is None:
        run_function(function, event)
        answer = _read_answer(account_id, region, key, float(os.environ.get(WAIT_VARIABLE, "5")))
    else:
        # CloudFormation waits ServiceTimeout seconds for the answer, not for the function: an invocation still
        # running then keeps running, its answer unread (the stack has moved on: rollback, or DELETE_FAILED).
        threading.Thread(target=run_function, args=(function, event), daemon=True).start()
        answer = _read_answer(account_id, region, key, service_timeout)
    rollback = None
    if request_type == "Create":

        def rollback() -> object:
            return send_request(
                account_id=account_id,
                region=region,
                stack_id=stack_id,
                logical_id=logical_id,
                resource_type=resource_type,
                request_type="Delete",
                properties=properties,
                physical_id=(answer or {}).get("PhysicalResourceId") or f"{logical_id}-{request_id}",
            )

    if answer is None and service_timeout is not None:
        raise CustomResourceFailed(
            logical_id,
            f"CloudFormation did not receive a response from your Custom Resource within its ServiceTimeout "
            f"({service_timeout:g} seconds). Please check your custom resource function's logs in CloudWatch "
            f"(/aws/lambda/{function.function_name}).",
            rollback,
        )
    if answer is None:
        raise CustomResourceFailed(
            logical_id,
            "CloudFormation did not receive a response from your Custom Resource. Please check your custom "
            f"resource function's logs in CloudWatch (/aws/lambda/{function.function_name}).",
            rollback,
        )
    if answer.get("Status") != "SUCCESS":
        reason = answer.get("Reason") or "no reason given"
        message = f"Received response status [FAILED] from custom resource. Message returned: {reason}"
        raise CustomResourceFailed(logical_id, message, rollback)
    if not answer.get("PhysicalResourceId"):
        raise CustomResourceFailed(logical_id, "Invalid PhysicalResourceId: the custom resource answered none")
    return answer


def _patch() -> None:
    from moto.cloudformation import custom_model, parsing
    from moto.cloudformation.models import Event, Stack

    model = custom_model.CustomModel
    if getattr(model, _MARK, False):
        return

    def _from_answer(
        region: str, request_id: str, logical_id: str, properties: dict[str, Any], answer: dict[str, Any]
    ) -> Any:
        resource = model(region, request_id, logical_id, answer["PhysicalResourceId"])  # type: ignore[abstract]
        resource.set_data(dict(answer.get("Data") or {}))
        resource.mlops_properties = properties  # type: ignore[attr-defined]
        return resource

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kw: Any,
    ) -> Any:
        properties = dict(cloudformation_json["Properties"])
        answer = send_request(
            account_id=account_id,
            region=region_name,
            stack_id=kw["StackId"],
            logical_id=kw["LogicalId"],
            resource_type=kw["ResourceType"],
            request_type="Create",
            properties=properties,
        )
        resource = _from_answer(region_name, answer.get("RequestId", ""), kw["LogicalId"], properties, answer)
        resource.mlops_stack_id = kw["StackId"]
        resource.mlops_resource_type = kw["ResourceType"]
        from moto.cloudformation.models import cloudformation_backends

        cloudformation_backends[account_id][region_name].get_stack(kw["StackId"]).add_custom_resource(resource)
        return resource

    def update_from_cloudformation_json(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        properties = dict(cloudformation_json["Properties"])
        old_properties = getattr(original_resource, "mlops_properties", {})
        stack_id = original_resource.mlops_stack_id
        resource_type = original_resource.mlops_resource_type
        logical_id = original_resource.logical_id
        answer = send_request(
            account_id=account_id,
            region=region_name,
            stack_id=stack_id,
            logical_id=logical_id,
            resource_type=resource_type,
            request_type="Update",
            properties=properties,
            physical_id=original_resource.physical_resource_id,
            old_properties=old_properties,
        )
        resource = _from_answer(region_name, answer.get("RequestId", ""), logical_id, properties, answer)
        resource.mlops_stack_id = stack_id
        resource.mlops_resource_type = resource_type
        if resource.physical_resource_id != original_resource.physical_resource_id:
            # a replacement: CloudFormation deletes the old resource in the update's clean-up phase
            send_request(
                account_id=account_id,
                region=region_name,
                stack_id=stack_id,
                logical_id=logical_id,
                resource_type=resource_type,
                request_type="Delete",
                properties=old_properties,
                physical_id=original_resource.physical_resource_id,
            )
        from moto.cloudformation.models import cloudformation_backends

        cloudformation_backends[account_id][region_name].get_stack(stack_id).add_custom_resource(resource)
        return resource

    def delete(self: Any, account_id: str, region_name: str) -> None:
        send_request(
            account_id=account_id,
            region=region_name,
            stack_id=self.mlops_stack_id,
            logical_id=self.logical_id,
            resource_type=self.mlops_resource_type,
            request_type="Delete",
            properties=getattr(self, "mlops_properties", {}),
            physical_id=self.physical_resource_id,
        )

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type == CUSTOM_RESOURCE_TYPE:
            return model
        return moto_resource_class_from_type(resource_type)

    moto_resource_class_from_type = parsing.resource_class_from_type
    parsing.resource_class_from_type = resource_class_from_type
    model.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[assignment]
    model.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)  # type: ignore[assignment]
    model.delete = delete  # type: ignore[attr-defined]

    def _event(stack: Any, logical_id: str, status: str, reason: str) -> None:
        stack.events.append(
            Event(
                stack_id=stack.stack_id,
                stack_name=stack.name,
                logical_resource_id=logical_id,
                physical_resource_id="",
                resource_type=stack.resource_map._resource_json_map.get(logical_id, {}).get("Type", ""),
                resource_status=status,
                resource_status_reason=reason,
                resource_properties=None,
            )
        )

    moto_create_resources = Stack.create_resources
    moto_update = Stack.update
    moto_delete = Stack.delete

    def create_resources(self: Any) -> None:
        try:
            moto_create_resources(self)
        except CustomResourceFailed as failed:
            _event(self, failed.logical_id, "CREATE_FAILED", failed.reason)
            self._add_stack_event(
                "CREATE_FAILED",
                resource_status_reason=f"The following resource(s) failed to create: [{failed.logical_id}].",
            )
            if self.disable_rollback:
                self.status = "CREATE_FAILED"
                return
            self._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=str(failed))
            self.status = "ROLLBACK_IN_PROGRESS"
            try:
                if failed.rollback is not None:
                    failed.rollback()
                self.resource_map.delete()
            except (Exception, CustomResourceFailed) as error:
                self._add_stack_event("ROLLBACK_FAILED", resource_status_reason=str(error))
                self.status = "ROLLBACK_FAILED"
                return
            self._add_stack_event("ROLLBACK_COMPLETE")
            self.status = "ROLLBACK_COMPLETE"

    def update(self: Any, template: str, *args: Any, **kwargs: Any) -> None:
        previous_template = self.template
        try:
            moto_update(self, template, *args, **kwargs)
        except CustomResourceFailed as failed:
            _event(self, failed.logical_id, "UPDATE_FAILED", failed.reason)
            self._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=failed.reason)
            self.template = previous_template
            self._parse_template()
            self.resource_map._template = self.template_dict
            self.resource_map._resource_json_map = self.template_dict["Resources"]
            self.output_map = self._create_output_map()
            self._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
            self.status = "UPDATE_ROLLBACK_COMPLETE"

    def delete_stack_resources(self: Any) -> None:
        # moto keeps only DeletionPolicy Retain; RetainExceptOnCreate is also kept when the stack is deleted (a
        # rollback of the create that made the resource, above, deletes it).
        for resource in self.resource_map._resource_json_map.values():
            if isinstance(resource, dict) and resource.get("DeletionPolicy") == "RetainExceptOnCreate":
                resource["DeletionPolicy"] = "Retain"
        try:
            moto_delete(self)
        except CustomResourceFailed as failed:
            _event(self, failed.logical_id, "DELETE_FAILED", failed.reason)
            self._add_stack_event("DELETE_FAILED", resource_status_reason=failed.reason)
            self.status = "DELETE_FAILED"
        except Exception as error:
            self._add_stack_event("DELETE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")
            self.status = "DELETE_FAILED"

    # moto's resource map creates resources lazily on first read: a rolled-back stack must not re-create them
    # when DescribeStacks reads its outputs or ListStackResources its resources.
    moto_outputs = Stack.outputs
    moto_stack_resources = Stack.stack_resources

    def outputs(self: Any) -> Any:
        return None if self.status in _GONE else moto_outputs.fget(self)  # type: ignore[attr-defined]

    def stack_resources(self: Any) -> Any:
        return [] if self.status in _GONE else moto_stack_resources.fget(self)  # type: ignore[attr-defined]

    Stack.outputs = property(outputs)  # type: ignore[method-assign,assignment]
    Stack.stack_resources = property(stack_resources)  # type: ignore[method-assign,assignment]
    Stack.create_resources = create_resources  # type: ignore[method-assign]
    Stack.update = update  # type: ignore[method-assign]
    Stack.delete = delete_stack_resources  # type: ignore[method-assign]
    setattr(model, _MARK, True)


def register() -> None:
    after_import("moto.cloudformation.models", _patch)
