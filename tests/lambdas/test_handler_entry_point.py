"""The Lambda entry point as deployed: settings from the environment, the token from Secrets Manager (read once,
cached across invocations), the answer PUT to a pre-signed S3 URL on local AWS."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from platform_cli.config import TemplateKind
from platform_cli.lambdas import project_repos
from platform_cli.lambdas.jsonlog import reset
from tests.lambdas.conftest import FakeContext, event, properties
from tests.provisioning.conftest import ProvisioningOrg

BUCKET = "cfn-responses-test"


@pytest.fixture
def deployed(
    porg: ProvisioningOrg, clean_local_aws: Any, local_aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[ProvisioningOrg]:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(
        Name="mlops/github/credentials", SecretString=json.dumps({"kind": "pat", "token": porg.org.token})
    )["ARN"]
    for name, value in {
        "MLOPS_GITHUB_ORG": porg.login,
        "MLOPS_GITHUB_CREDENTIALS_ARN": arn,
        "MLOPS_GITHUB_API_URL": porg.forge.api_url,
        "MLOPS_REVIEWERS_TEAM": porg.org.team,
        "MLOPS_MAINTAINERS_TEAM": porg.maintainers,
        "MLOPS_WRITE_PACING_SECONDS": "0",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    _oidc_roles_as_base_infrastructure_creates_them(boto3.client("iam"))
    project_repos.reset_dependencies()
    level = logging.getLogger().level
    yield porg
    project_repos.reset_dependencies()
    reset()
    logging.getLogger().setLevel(level)


def _oidc_roles_as_base_infrastructure_creates_them(iam: Any) -> None:
    account = boto3.client("sts").get_caller_identity()["Account"]
    no_repository = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoRepositoryUntilTheProvisioningAdmitsIt",
                "Effect": "Deny",
                "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringNotEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
            }
        ],
    }
    for name in ("mlops-github-deploy", "mlops-github-build"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(no_repository))
    lambda_role = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="mlops-project-trust", AssumeRolePolicyDocument=json.dumps(lambda_role))
    # What deploy_targets grants it: read and rewrite the OIDC roles' trust, keep the build role's project
    # policies, nothing else (local AWS is IAM-strict).
    edit_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:GetRole", "iam:UpdateAssumeRolePolicy"],
                "Resource": [
                    f"arn:aws:iam::{account}:role/mlops-github-deploy",
                    f"arn:aws:iam::{account}:role/mlops-github-build",
                ],
            },
            {  # and keep the build role's per-project bucket policies (KeepTheBuildRolesProjectPolicies)
                "Effect": "Allow",
                "Action": ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
                "Resource": f"arn:aws:iam::{account}:role/mlops-github-build",
            },
        ],
    }
    iam.put_role_policy(
        RoleName="mlops-project-trust", PolicyName="edit-oidc-trust", PolicyDocument=json.dumps(edit_trust)
    )


def _trust_sids(role: str) -> list[str]:
    document = boto3.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    return [s.get("Sid", "") for s in (document if isinstance(document, dict) else json.loads(document))["Statement"]]


def invoke(request_type: str, props: dict[str, Any], key: str, **extra: Any) -> dict[str, Any]:
    s3 = boto3.client("s3")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=600)
    project_repos.handler(event(request_type, props, ResponseURL=url, **extra), FakeContext(120_000))
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def test_create_then_delete_through_the_entry_point_reading_the_token_once(deployed: ProvisioningOrg) -> None:
    props = properties(TemplateKind.SINGLE_ACCOUNT_TRAINING, RequestingUser=deployed.org.member)
    created = invoke("Create", props, "create")
    assert created["Status"] == "SUCCESS", created["Reason"]
    assert created["PhysicalResourceId"] == f"{deployed.login}/churn-p-abc123def456"
    assert "ProjectPabc123def456" in _trust_sids("mlops-github-build")
    deleted = invoke("Delete", props, "delete", PhysicalResourceId=created["PhysicalResourceId"])
    assert deleted["Status"] == "SUCCESS"
    assert "ProjectPabc123def456" not in _trust_sids("mlops-github-build")
    assert deployed.org.gh.get_repo(f"{deployed.login}/churn-p-abc123def456-training").archived
    assert project_repos.default_dependencies().credentials.reads == 1


def test_a_misconfigured_lambda_still_answers_failed(
    deployed: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLOPS_GITHUB_ORG")
    answer = invoke("Create", properties(), "misconfigured")
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "environment variable MLOPS_GITHUB_ORG is not set; set it in the Lambda's configuration"


def test_an_unreadable_secret_fails_with_an_actionable_reason(
    deployed: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLOPS_GITHUB_CREDENTIALS_ARN", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:missing")
    answer = invoke("Create", properties(), "no-secret")
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith("cannot read the GitHub credential secret")
    assert "mlops github set-credentials" in answer["Reason"]


def test_any_exception_while_setting_up_still_answers_failed(
    deployed: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken artifact (here: a module missing from it) is not a PlatformError; CloudFormation still gets FAILED
    instead of waiting an hour."""
    monkeypatch.setitem(sys.modules, "platform_cli.github.client", None)
    answer = invoke("Create", properties(), "broken")
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        "the provisioning Lambda could not start (ModuleNotFoundError); see its CloudWatch logs"
    )


def test_with_the_budget_table_a_request_is_answered_once_through_the_ledger(
    deployed: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As deployed (MLOPS_WRITE_BUDGET_TABLE set): the budget and the continuation ledger share the table; the same
    request delivered again (Lambda's at-least-once delivery) is not worked on, nor answered, twice."""
    from platform_cli.lambdas.continuation import idempotency_key

    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="mlops-github-write-budget",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("MLOPS_WRITE_BUDGET_TABLE", "mlops-github-write-budget")
    project_repos.reset_dependencies()
    props = properties(TemplateKind.SINGLE_ACCOUNT_TRAINING, RequestingUser=deployed.org.member)
    created = invoke("Create", props, "create")
    assert created["Status"] == "SUCCESS", created["Reason"]
    item = dynamodb.get_item(
        TableName="mlops-github-write-budget", Key={"pk": {"S": idempotency_key(event("Create", props))}}
    )["Item"]
    assert item["answered"] == {"BOOL": True}
    assert project_repos.default_dependencies().continuation is not None
    again = project_repos.handler(event("Create", props, ResponseURL="https://unused.invalid/"), FakeContext(120_000))
    assert again == {"Continued": False, "Duplicate": True}


def test_a_bring_your_own_container_create_adds_the_container_repository_with_its_variables(
    deployed: ProvisioningOrg,
) -> None:
    """issue 17 item 1, through the entry point as deployed: the container repo from container-build, its ECR
    repository name and registries; the build repo's image repository URI. Preprod and prod, whose base
    infrastructure is not applied here, are skipped and named (their ECR repositories are not created)."""
    props = properties(
        TemplateKind.BUILD_DEPLOY_BATCH, RequestingUser=deployed.org.member, ContainerRepository="mlops/p-abc123def456"
    )
    created = invoke("Create", props, "byoc")
    assert created["Status"] == "SUCCESS", created["Reason"]
    container = deployed.org.gh.get_repo(f"{deployed.login}/churn-p-abc123def456-container")
    assert container.get_variable("CONTAINER_REPOSITORY_NAME").value == "mlops/p-abc123def456"
    registry = container.get_environment("prod").get_variable("CONTAINER_REGISTRY").value  # type: ignore[attr-defined]
    assert registry == "333333333333.dkr.ecr.eu-west-1.amazonaws.com"
    build = deployed.org.gh.get_repo(f"{deployed.login}/churn-p-abc123def456-build")
    uri = build.get_variable("CONTAINER_REPOSITORY_URI").value
    assert uri == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/mlops/p-abc123def456"
    assert "ECR repository mlops/p-abc123def456 in prod (333333333333) not created" in created["Data"]["Skipped"]
