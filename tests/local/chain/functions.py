"""Lambda functions for the chain tests: small handler modules zipped as Terraform would upload them."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

ACCOUNT = "111111111111"

HANDLERS = '''
import json, os, time, urllib.request
import boto3

def whoami(event, context):
    print("handling", event.get("say"))
    arn = boto3.client("sts").get_caller_identity()["Arn"]
    return {"arn": arn, "greeting": os.environ.get("GREETING"), "memory": os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
            "secret_key_is_callers": os.environ.get("AWS_SECRET_ACCESS_KEY") == "testing"}

def project_repos(event, context):
    """Answers Custom::ProjectRepos like the provisioning Lambda; fails a request type named by RequestingUser."""
    props = event["ResourceProperties"]
    key = f"requests/{props['ProjectId']}/{time.time_ns()}-{event['RequestType']}.json"
    boto3.client("s3").put_object(Bucket=os.environ["LOG_BUCKET"], Key=key, Body=json.dumps(event).encode())
    failed = props.get("RequestingUser") == "fail-" + event["RequestType"].lower()
    if props.get("RequestingUser") == "slow-" + event["RequestType"].lower():
        time.sleep(float(os.environ.get("SLOW_SECONDS", "20")))
    url = f"http://forge.local/org/{props['ProjectName']}-{props['ProjectId']}"
    body = json.dumps({"Status": "FAILED" if failed else "SUCCESS", "Reason": "forge refused" if failed else "",
                       "PhysicalResourceId": event.get("PhysicalResourceId") or props["ProjectId"],
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"],
                       "Data": {"BuildRepoUrl": url + "-build", "DeployRepoUrl": url + "-deploy",
                                "BuildCloneUrl": url + "-build.git", "DeployCloneUrl": url + "-deploy.git",
                                "ProjectNameLower": props["ProjectName"].lower()}}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""})
    urllib.request.urlopen(request, timeout=10).read()

def bound_project_repos(event, context):
    """As project_repos, with the provisioning Lambda's own binding of the requester to the Studio user who launched
    the project (platform_cli/lambdas/studio_user.py, zipped beside this module): DescribeProject as this function's
    role, then a refusal in one line or the bound requester, recorded with the request."""
    from platform_cli.lambdas.exceptions import EventError
    from platform_cli.lambdas.studio_user import bind_requester, launching_user

    props = event["ResourceProperties"]
    reason = ""
    if event["RequestType"] == "Create":
        try:
            studio_user = launching_user(boto3.client("sagemaker"), props["ProjectName"])
            props["RequestingUser"] = bind_requester(props.get("RequestingUser") or None, studio_user) or ""
        except EventError as error:
            reason = str(error)
    key = f"requests/{props['ProjectId']}/{time.time_ns()}-{event['RequestType']}.json"
    boto3.client("s3").put_object(Bucket=os.environ["LOG_BUCKET"], Key=key, Body=json.dumps(event).encode())
    url = f"http://forge.local/org/{props['ProjectName']}-{props['ProjectId']}"
    body = json.dumps({"Status": "FAILED" if reason else "SUCCESS", "Reason": reason,
                       "PhysicalResourceId": event.get("PhysicalResourceId") or props["ProjectId"],
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"],
                       "Data": {"BuildRepoUrl": url + "-build", "DeployRepoUrl": url + "-deploy",
                                "BuildCloneUrl": url + "-build.git", "DeployCloneUrl": url + "-deploy.git",
                                "ProjectNameLower": props["ProjectName"].lower()}}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""})
    urllib.request.urlopen(request, timeout=10).read()

def record(event, context):
    """Keeps each event it gets (one object per invocation) in LOG_BUCKET."""
    key = f"events/{time.time_ns()}.json"
    boto3.client("s3").put_object(Bucket=os.environ["LOG_BUCKET"], Key=key, Body=json.dumps(event).encode())
    return {"dispatched": True}

def fail(event, context):
    raise RuntimeError("dispatch failed: forge answered 502")

def sleep(event, context):
    time.sleep(30)

def custom_resource(event, context):
    """Answers CloudFormation as the properties say: Status, PhysicalResourceId, Data; records each request."""
    props = event["ResourceProperties"]
    s3 = boto3.client("s3")
    key = f"requests/{props['Name']}/{time.time_ns()}-{event['RequestType']}.json"
    s3.put_object(Bucket=props["LogBucket"], Key=key, Body=json.dumps(event).encode())
    fail_on = props.get("FailOn", "")
    status = "FAILED" if event["RequestType"] == fail_on else "SUCCESS"
    physical = props.get("PhysicalId") or event.get("PhysicalResourceId") or "fixed-id"
    body = json.dumps({"Status": status, "Reason": "asked to fail" if status == "FAILED" else "",
                       "PhysicalResourceId": physical, "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"],
                       "Data": {"Echo": props["Name"], "Physical": physical}}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""})
    urllib.request.urlopen(request, timeout=10).read()
'''


# The platform's modules the bound_project_repos handler runs (the provisioning Lambda's Studio-user binding).
_SOURCE = Path(__file__).resolve().parents[3]
PLATFORM_MODULES = (
    "platform_cli/__init__.py",
    "platform_cli/errors.py",
    "platform_cli/lambdas/__init__.py",
    "platform_cli/lambdas/exceptions.py",
    "platform_cli/lambdas/studio_user.py",
)


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handlers.py", HANDLERS)
        for module in PLATFORM_MODULES:
            archive.write(_SOURCE / module, module)
    return buffer.getvalue()


def execution_role(iam: Any, dead_letters: str | None = None) -> str:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    # what the handlers do with their own role: record the requests and events they get in the tests' buckets
    statements = [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::*/*"}]
    if dead_letters:  # as project_lambdas grants its functions their dead-letter queue
        statements.append({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": dead_letters})
    iam.put_role_policy(
        RoleName=name,
        PolicyName="record-requests",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return arn


def create_function(lambda_client: Any, iam: Any, handler: str, *, timeout: int = 10, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = lambda_client.create_function(
        FunctionName=f"fn-{handler}-{uuid.uuid4().hex[:8]}",
        Runtime="python3.12",
        Role=execution_role(iam, (extra.get("DeadLetterConfig") or {}).get("TargetArn")),
        Handler=f"handlers.{handler}",
        Code={"ZipFile": code_zip()},
        Timeout=timeout,
        MemorySize=256,
        **{"Environment": {"Variables": {"GREETING": "hello"}}, **extra},
    )
    return created
