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


TEMPLATE_URL = "https://templates.s3.eu-west-1.amazonaws.com/project/template.yaml"


@pytest.fixture
def product(catalog: Any) -> dict[str, Any]:
    """A CloudFormation product with one provisioning artifact ``v1``; the CreateProduct answer."""
    created: dict[str, Any] = catalog.create_product(
        Name=unique("build-deploy"),
        Owner="mlops-platform",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        Tags=[{"Key": "sagemaker:studio-visibility", "Value": "true"}],
        ProvisioningArtifactParameters={
            "Name": "v1",
            "Description": "first",
            "Info": {"LoadTemplateFromURL": TEMPLATE_URL},
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


@pytest.fixture
def launchable(catalog: Any, product_id: str, portfolio_id: str) -> tuple[str, str]:
    """A product in a portfolio with a launch constraint: ``(product id, portfolio id)``."""
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.create_constraint(
        PortfolioId=portfolio_id,
        ProductId=product_id,
        Type="LAUNCH",
        Parameters=json.dumps({"RoleArn": "arn:aws:iam::111111111111:role/launch"}),
        IdempotencyToken=unique("token"),
    )
    return product_id, portfolio_id
