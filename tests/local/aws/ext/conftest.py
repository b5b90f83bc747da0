"""Clients for the extension tests: boto3 against the session's running local AWS server (the real process path)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def sagemaker(local_aws: LocalAws) -> Any:
    return local_aws.session_for("dev").client("sagemaker")


@pytest.fixture
def catalog(local_aws: LocalAws) -> Any:
    return local_aws.session_for("dev").client("servicecatalog")


@pytest.fixture
def domain_id(sagemaker: Any) -> str:
    created = sagemaker.create_domain(
        DomainName=unique("studio"),
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::111111111111:role/execution"},
        SubnetIds=["subnet-1"],
        VpcId="vpc-1",
    )
    domain: str = created["DomainArn"].rsplit("/", 1)[-1]
    return domain


TEMPLATE_BUCKET = "mlops-ext-templates"
TEMPLATE_URL = f"https://{TEMPLATE_BUCKET}.s3.eu-west-1.amazonaws.com/project/template.yaml"
TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  SageMakerProjectName:
    Type: String
  SageMakerProjectId:
    Type: String
    Default: p-000000000000
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'sagemaker-${SageMakerProjectName}'
"""


@pytest.fixture
def template_url(local_aws: LocalAws) -> str:
    """A project template in the dev account's S3, where Service Catalog's validation reads it."""
    s3 = local_aws.session_for("dev").client("s3")
    buckets = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    if TEMPLATE_BUCKET not in buckets:
        s3.create_bucket(Bucket=TEMPLATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket=TEMPLATE_BUCKET, Key="project/template.yaml", Body=TEMPLATE.encode())
    return TEMPLATE_URL


@pytest.fixture
def product(catalog: Any, template_url: str) -> dict[str, Any]:
    """A CloudFormation product with one provisioning artifact ``v1``; the CreateProduct answer."""
    created: dict[str, Any] = catalog.create_product(
        Name=unique("build-deploy"),
        Owner="mlops-platform",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        Tags=[{"Key": "sagemaker:studio-visibility", "Value": "true"}],
        ProvisioningArtifactParameters={
            "Name": "v1",
            "Description": "first",
            "Info": {"LoadTemplateFromURL": template_url},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
        IdempotencyToken=unique("token"),
    )
    return created


@pytest.fixture
def product_id(product: dict[str, Any]) -> str:
    value: str = product["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    return value


@pytest.fixture
def portfolio_id(catalog: Any) -> str:
    created = catalog.create_portfolio(DisplayName=unique("projects"), ProviderName="mlops-platform")
    value: str = created["PortfolioDetail"]["Id"]
    return value


LAUNCH_ROLE = "launch"


def _launch_role(local_aws: LocalAws) -> None:
    """The launch constraint's role: the template's resources are created as it (an S3 bucket)."""
    iam = local_aws.session_for("dev").client("iam")
    if LAUNCH_ROLE in [role["RoleName"] for role in iam.list_roles()["Roles"]]:
        return
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "servicecatalog.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName=LAUNCH_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=LAUNCH_ROLE, PolicyName="buckets", PolicyDocument=json.dumps(policy))


@pytest.fixture
def launchable(catalog: Any, product_id: str, portfolio_id: str, local_aws: LocalAws) -> tuple[str, str]:
    """A product in a portfolio with a launch constraint: ``(product id, portfolio id)``."""
    _launch_role(local_aws)
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.create_constraint(
        PortfolioId=portfolio_id,
        ProductId=product_id,
        Type="LAUNCH",
        Parameters=json.dumps({"RoleArn": "arn:aws:iam::111111111111:role/launch"}),
        IdempotencyToken=unique("token"),
    )
    return product_id, portfolio_id
