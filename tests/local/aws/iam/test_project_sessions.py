"""A shared OIDC role's sessions carry their project, in local AWS as in AWS: the trust the provisioning writes
admits a project's repository only in a session named after the project (``sts:RoleSessionName``), and the
project's inline grant on the role lets only that project's sessions (``aws:userid`` = ``<role id>:<project id>``)
write the project's bucket (lambdas/project_trust.py, issue 15 leftover). Strict IAM, real tokens from the forge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_cli.lambdas.project_trust import bucket_grant, session_name, statement_id, with_project
from platform_cli.local.aws import LocalAws
from platform_cli.local.forge.oidc import GITHUB_ISSUER
from tests.fixtures.forge import ForgeEnv
from tests.local.aws.iam.conftest import denial

ROLE = "mlops-sessions-github-build"
CHURN, FRAUD = "p-abc123def456", "p-fff000fff000"
CHURN_REPO = f"acme/churn-{CHURN}-build"


@pytest.fixture(scope="module")
def build_role(strict_aws: LocalAws, forge: ForgeEnv) -> Iterator[str]:
    """A build role as base infrastructure makes it, with churn admitted and granted by the provisioning's documents."""
    strict_aws.trust_issuer(GITHUB_ISSUER, forge.url)
    account = strict_aws.info().accounts["dev"]
    iam = strict_aws.session_for("dev").client("iam")
    provider = f"arn:aws:iam::{account}:oidc-provider/{GITHUB_ISSUER.removeprefix('https://')}"
    created_provider = True
    try:
        iam.create_open_id_connect_provider(
            Url=GITHUB_ISSUER, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["0" * 40]
        )
    except ClientError as error:  # another module of the package registered it (and will remove it)
        assert error.response["Error"]["Code"] == "EntityAlreadyExists"
        created_provider = False
    base = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoRepositoryUntilTheProvisioningAdmitsIt",
                "Effect": "Deny",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringNotEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
            }
        ],
    }
    trust = with_project(base, CHURN, [f"repo:{CHURN_REPO}:environment:dev"])
    role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    s3 = strict_aws.session_for("dev").client("s3")
    for project in (CHURN, FRAUD):
        s3.create_bucket(
            Bucket=f"mlops-{project}-{account}", CreateBucketConfiguration={"LocationConstraint": strict_aws.region}
        )
        iam.put_role_policy(
            RoleName=ROLE,
            PolicyName=statement_id(project),
            PolicyDocument=json.dumps(bucket_grant(project, [f"mlops-{project}-{account}"])),
        )
    yield role
    # Leave local AWS as found: the package's other modules register the provider themselves.
    for project in (CHURN, FRAUD):
        iam.delete_role_policy(RoleName=ROLE, PolicyName=statement_id(project))
        bucket = f"mlops-{project}-{account}"
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
    iam.delete_role(RoleName=ROLE)
    if created_provider:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider)


def _assume(local: LocalAws, role_arn: str, token: str, session: str) -> Any:
    sts = boto3.client("sts", endpoint_url=local.info().endpoint_url, region_name=local.region)
    credentials = sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName=session, WebIdentityToken=token)
    keys = credentials["Credentials"]
    return boto3.client(
        "s3",
        endpoint_url=local.info().endpoint_url,
        region_name=local.region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def test_a_project_repository_assumes_the_shared_role_in_a_session_named_after_its_project(
    strict_aws: LocalAws, forge: ForgeEnv, build_role: str
) -> None:
    token = forge.admin.id_token(CHURN_REPO, environment="dev")
    assert _assume(strict_aws, build_role, token, session_name(CHURN))


@pytest.mark.parametrize("session", [session_name(FRAUD), "github-actions"])
def test_a_project_repository_may_not_name_its_session_otherwise(
    strict_aws: LocalAws, forge: ForgeEnv, build_role: str, session: str
) -> None:
    token = forge.admin.id_token(CHURN_REPO, environment="dev")
    with pytest.raises(ClientError) as refused:
        _assume(strict_aws, build_role, token, session)
    assert denial(refused)[0] == "AccessDenied"


def test_a_projects_session_writes_its_own_bucket_and_not_another_projects(
    strict_aws: LocalAws, forge: ForgeEnv, build_role: str
) -> None:
    account = strict_aws.info().accounts["dev"]
    s3 = _assume(strict_aws, build_role, forge.admin.id_token(CHURN_REPO, environment="dev"), session_name(CHURN))
    s3.put_object(Bucket=f"mlops-{CHURN}-{account}", Key="churn/code/preprocess.py", Body=b"print(1)")
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=f"mlops-{FRAUD}-{account}", Key="churn/code/preprocess.py", Body=b"print(1)")
    assert denial(refused)[0] == "AccessDenied"
