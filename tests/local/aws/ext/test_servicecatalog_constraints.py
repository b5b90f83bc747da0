"""Service Catalog constraint extension: launch constraints created, described, updated, listed, deleted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

LAUNCH = json.dumps({"RoleArn": "arn:aws:iam::111111111111:role/launch"})


@pytest.fixture
def associated(catalog: Any, product_id: str, portfolio_id: str) -> tuple[str, str]:
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    return product_id, portfolio_id


def test_a_launch_constraint_is_available_and_described(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    created = catalog.create_constraint(
        PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH, Description="launch role"
    )
    constraint_id = created["ConstraintDetail"]["ConstraintId"]
    described = catalog.describe_constraint(Id=constraint_id)
    assert described["Status"] == "AVAILABLE"
    assert described["ConstraintParameters"] == LAUNCH
    assert described["ConstraintDetail"] == {
        "ConstraintId": constraint_id,
        "Type": "LAUNCH",
        "Description": "launch role",
        "Owner": "111111111111",
        "ProductId": product_id,
        "PortfolioId": portfolio_id,
    }


def test_constraints_are_listed_per_portfolio_and_product(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    catalog.create_constraint(PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH)
    listed = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    assert [c["Type"] for c in listed["ConstraintDetails"]] == ["LAUNCH"]


def test_a_second_launch_constraint_is_a_duplicate(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    catalog.create_constraint(PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH)
    with pytest.raises(ClientError) as error:
        catalog.create_constraint(PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH)
    assert error.value.response["Error"]["Code"] == "DuplicateResourceException"


def test_a_launch_constraint_without_a_role_is_invalid(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    with pytest.raises(ClientError) as error:
        catalog.create_constraint(PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters="{}")
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"


def test_a_constraint_needs_the_product_in_the_portfolio(catalog: Any, product_id: str, portfolio_id: str) -> None:
    with pytest.raises(ClientError) as error:
        catalog.create_constraint(PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH)
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"


def test_update_changes_description_and_parameters(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    constraint_id = catalog.create_constraint(
        PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH
    )["ConstraintDetail"]["ConstraintId"]
    other = json.dumps({"LocalRoleName": "launch"})
    catalog.update_constraint(Id=constraint_id, Description="changed", Parameters=other)
    described = catalog.describe_constraint(Id=constraint_id)
    assert described["ConstraintDetail"]["Description"] == "changed"
    assert described["ConstraintParameters"] == other


def test_a_deleted_constraint_is_resource_not_found(catalog: Any, associated: tuple[str, str]) -> None:
    product_id, portfolio_id = associated
    constraint_id = catalog.create_constraint(
        PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters=LAUNCH
    )["ConstraintDetail"]["ConstraintId"]
    catalog.delete_constraint(Id=constraint_id)
    with pytest.raises(ClientError) as error:
        catalog.describe_constraint(Id=constraint_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
