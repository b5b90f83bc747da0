"""Service Catalog product extension: artifacts kept and ready, admin view, updates, deletes like AWS."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import TEMPLATE_URL


def test_create_product_answers_its_provisioning_artifact(product: dict[str, Any]) -> None:
    artifact = product["ProvisioningArtifactDetail"]
    assert artifact["Id"].startswith("pa-")
    assert artifact["Name"] == "v1"
    assert artifact["Active"] is True
    assert product["ProductViewDetail"]["Status"] == "AVAILABLE"


def test_describe_product_as_admin_is_available_with_artifacts_and_tags(catalog: Any, product_id: str) -> None:
    described = catalog.describe_product_as_admin(Id=product_id)
    assert described["ProductViewDetail"]["Status"] == "AVAILABLE"
    assert [a["Name"] for a in described["ProvisioningArtifactSummaries"]] == ["v1"]
    assert described["Tags"] == [{"Key": "sagemaker:studio-visibility", "Value": "true"}]


def test_describe_provisioning_artifact_is_available_with_the_template_url(
    catalog: Any, product: dict[str, Any], product_id: str
) -> None:
    artifact_id = product["ProvisioningArtifactDetail"]["Id"]
    described = catalog.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=artifact_id)
    assert described["Status"] == "AVAILABLE"
    assert described["Info"] == {"TemplateUrl": TEMPLATE_URL}
    assert described["ProvisioningArtifactDetail"]["Id"] == artifact_id


def test_new_artifact_versions_are_listed_and_can_be_deactivated(catalog: Any, product_id: str) -> None:
    created = catalog.create_provisioning_artifact(
        ProductId=product_id,
        Parameters={"Name": "v2", "Info": {"LoadTemplateFromURL": TEMPLATE_URL}, "Type": "CLOUD_FORMATION_TEMPLATE"},
        IdempotencyToken="v2-token",
    )
    v2 = created["ProvisioningArtifactDetail"]["Id"]
    catalog.update_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=v2, Active=False)
    listed = catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]
    assert [(a["Name"], a["Active"]) for a in listed] == [("v1", True), ("v2", False)]


def test_the_last_artifact_cannot_be_deleted(catalog: Any, product: dict[str, Any], product_id: str) -> None:
    with pytest.raises(ClientError) as error:
        catalog.delete_provisioning_artifact(
            ProductId=product_id, ProvisioningArtifactId=product["ProvisioningArtifactDetail"]["Id"]
        )
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"


def test_update_product_renames_and_retags(catalog: Any, product_id: str) -> None:
    updated = catalog.update_product(
        Id=product_id,
        Name="renamed",
        AddTags=[{"Key": "team", "Value": "ml"}],
        RemoveTags=["sagemaker:studio-visibility"],
    )
    assert updated["ProductViewDetail"]["ProductViewSummary"]["Name"] == "renamed"
    assert catalog.describe_product_as_admin(Id=product_id)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_describe_product_lists_artifacts_and_launch_paths(catalog: Any, launchable: tuple[str, str]) -> None:
    product_id, portfolio_id = launchable
    described = catalog.describe_product(Id=product_id)
    assert [a["Name"] for a in described["ProvisioningArtifacts"]] == ["v1"]
    assert [p["Id"] for p in described["LaunchPaths"]] == [portfolio_id]


def test_a_product_in_a_portfolio_cannot_be_deleted(catalog: Any, launchable: tuple[str, str]) -> None:
    with pytest.raises(ClientError) as error:
        catalog.delete_product(Id=launchable[0])
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"


def test_a_deleted_product_is_resource_not_found(catalog: Any, product_id: str) -> None:
    catalog.delete_product(Id=product_id)
    with pytest.raises(ClientError) as error:
        catalog.describe_product_as_admin(Id=product_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
