"""Service Catalog association extension: products and principals with portfolios."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::111111111111:role/studio-execution"


def test_associated_product_lists_its_portfolio_and_is_found_by_portfolio(
    catalog: Any, product_id: str, portfolio_id: str
) -> None:
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)  # idempotent
    portfolios = catalog.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]
    assert [p["Id"] for p in portfolios] == [portfolio_id]
    found = catalog.search_products_as_admin(PortfolioId=portfolio_id)["ProductViewDetails"]
    assert [p["ProductViewSummary"]["ProductId"] for p in found] == [product_id]


def test_disassociated_product_no_longer_lists_the_portfolio(catalog: Any, product_id: str, portfolio_id: str) -> None:
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    assert catalog.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"] == []


def test_disassociating_what_is_not_associated_is_resource_not_found(
    catalog: Any, product_id: str, portfolio_id: str
) -> None:
    with pytest.raises(ClientError) as error:
        catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_product_with_a_constraint_in_the_portfolio_stays_associated(
    catalog: Any, launchable: tuple[str, str]
) -> None:
    with pytest.raises(ClientError) as error:
        catalog.disassociate_product_from_portfolio(ProductId=launchable[0], PortfolioId=launchable[1])
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"


def test_associating_an_unknown_product_is_resource_not_found(catalog: Any, portfolio_id: str) -> None:
    with pytest.raises(ClientError) as error:
        catalog.associate_product_with_portfolio(ProductId="prod-nope", PortfolioId=portfolio_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_principals_are_associated_listed_and_disassociated(catalog: Any, portfolio_id: str) -> None:
    catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE, PrincipalType="IAM")
    assert catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"] == [
        {"PrincipalARN": ROLE, "PrincipalType": "IAM"}
    ]
    catalog.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE, PrincipalType="IAM")
    assert catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"] == []


def test_a_portfolio_with_principals_cannot_be_deleted(catalog: Any, portfolio_id: str) -> None:
    catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE, PrincipalType="IAM")
    with pytest.raises(ClientError) as error:
        catalog.delete_portfolio(Id=portfolio_id)
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"


def test_an_unknown_principal_type_is_invalid(catalog: Any, portfolio_id: str) -> None:
    with pytest.raises(ClientError) as error:
        catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE, PrincipalType="USER")
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"
