"""Service Catalog provisioning extension: launch paths, provision, records, terminate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import unique


def _artifact_id(catalog: Any, product_id: str) -> str:
    artifact: str = catalog.describe_product_as_admin(Id=product_id)["ProvisioningArtifactSummaries"][0]["Id"]
    return artifact


def _launch(catalog: Any, product_id: str, name: str, **more: Any) -> dict[str, Any]:
    """ProvisionProduct of ``product_id`` as ``name``, with the template's one parameter: its record."""
    record: dict[str, Any] = catalog.provision_product(
        ProductId=product_id,
        ProvisioningArtifactId=_artifact_id(catalog, product_id),
        ProvisionedProductName=name,
        ProvisioningParameters=[{"Key": "SageMakerProjectName", "Value": name}],
        ProvisionToken=unique("token"),
        **more,
    )["RecordDetail"]
    return record


def test_launch_paths_name_the_portfolio_and_its_launch_constraint(catalog: Any, launchable: tuple[str, str]) -> None:
    product_id, portfolio_id = launchable
    paths = catalog.list_launch_paths(ProductId=product_id)["LaunchPathSummaries"]
    assert [p["Id"] for p in paths] == [portfolio_id]
    assert [c["Type"] for c in paths[0]["ConstraintSummaries"]] == ["LAUNCH"]


def test_provisioning_succeeds_and_the_provisioned_product_is_available(
    catalog: Any, launchable: tuple[str, str]
) -> None:
    product_id, portfolio_id = launchable
    name = unique("project")
    record = _launch(catalog, product_id, name, PathId=portfolio_id)
    described = catalog.describe_record(Id=record["RecordId"])["RecordDetail"]
    assert described["Status"] == "SUCCEEDED"
    assert described["RecordType"] == "PROVISION_PRODUCT"
    provisioned = catalog.describe_provisioned_product(Id=record["ProvisionedProductId"])["ProvisionedProductDetail"]
    assert provisioned["Status"] == "AVAILABLE"
    assert provisioned["Name"] == name


def test_provisioning_a_product_outside_any_portfolio_is_refused(catalog: Any, product_id: str) -> None:
    with pytest.raises(ClientError) as error:
        catalog.provision_product(
            ProductId=product_id,
            ProvisioningArtifactId=_artifact_id(catalog, product_id),
            ProvisionedProductName=unique("project"),
            ProvisionToken=unique("token"),
        )
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"


def test_provisioning_an_unknown_artifact_is_resource_not_found(catalog: Any, launchable: tuple[str, str]) -> None:
    with pytest.raises(ClientError) as error:
        catalog.provision_product(
            ProductId=launchable[0],
            ProvisioningArtifactId="pa-doesnotexist",
            ProvisionedProductName=unique("project"),
            ProvisionToken=unique("token"),
        )
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_terminated_product_is_gone_and_its_record_succeeded(catalog: Any, launchable: tuple[str, str]) -> None:
    product_id, _ = launchable
    name = unique("project")
    provisioned_id = _launch(catalog, product_id, name)["ProvisionedProductId"]
    record = catalog.terminate_provisioned_product(ProvisionedProductName=name, TerminateToken=unique("token"))
    assert catalog.describe_record(Id=record["RecordDetail"]["RecordId"])["RecordDetail"]["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as error:
        catalog.describe_provisioned_product(Id=provisioned_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_launch_missing_a_template_parameter_is_refused_and_leaves_nothing(
    catalog: Any, launchable: tuple[str, str]
) -> None:
    product_id, _ = launchable
    name = unique("project")
    with pytest.raises(ClientError) as error:
        catalog.provision_product(
            ProductId=product_id,
            ProvisioningArtifactId=_artifact_id(catalog, product_id),
            ProvisionedProductName=name,
            ProvisionToken=unique("token"),
        )
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"
    assert "SageMakerProjectName" in error.value.response["Error"]["Message"]
    names = [p["Name"] for p in catalog.scan_provisioned_products()["ProvisionedProducts"]]
    assert name not in names


def test_a_launch_creates_the_template_stack_with_the_launch_role(
    catalog: Any, launchable: tuple[str, str], local_aws: Any
) -> None:
    product_id, _ = launchable
    name = unique("project")
    record = _launch(catalog, product_id, name)
    outputs = catalog.describe_record(Id=record["RecordId"])["RecordOutputs"]
    stack_arn = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "CloudformationStackARN")
    cloudformation = local_aws.session_for("dev").client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=stack_arn)["Stacks"][0]
    assert stack["StackName"] == f"SC-111111111111-{record['ProvisionedProductId']}"
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["RoleARN"] == "arn:aws:iam::111111111111:role/launch"
    buckets = [b["Name"] for b in local_aws.session_for("dev").client("s3").list_buckets()["Buckets"]]
    assert f"sagemaker-{name}" in buckets


def test_a_launch_role_that_does_not_trust_service_catalog_fails_the_launch_and_makes_nothing(
    catalog: Any, product_id: str, portfolio_id: str, local_aws: Any
) -> None:
    """AWS assumes the launch constraint's role as servicecatalog.amazonaws.com: a role trusting another principal
    (here CloudFormation) passed every local launch and failed the first real one."""
    iam = local_aws.session_for("dev").client("iam")
    role = unique("untrusting")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=role, PolicyName="buckets", PolicyDocument=json.dumps(policy))
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.create_constraint(
        PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=json.dumps({"RoleArn": arn})
    )
    name = unique("project")
    with pytest.raises(ClientError) as error:
        _launch(catalog, product_id, name, PathId=portfolio_id)
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"
    assert f"assuming the role {arn}" in error.value.response["Error"]["Message"]
    assert "servicecatalog.amazonaws.com" in error.value.response["Error"]["Message"]
    assert name not in [p["Name"] for p in catalog.scan_provisioned_products()["ProvisionedProducts"]]
    buckets = [b["Name"] for b in local_aws.session_for("dev").client("s3").list_buckets()["Buckets"]]
    assert f"sagemaker-{name}" not in buckets
