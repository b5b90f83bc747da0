"""Service Catalog portfolio extension: not found, in use, update."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_an_unknown_portfolio_is_resource_not_found(catalog: Any) -> None:
    with pytest.raises(ClientError) as error:
        catalog.describe_portfolio(Id="port-doesnotexist")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_deleted_portfolio_is_gone(catalog: Any, portfolio_id: str) -> None:
    catalog.delete_portfolio(Id=portfolio_id)
    with pytest.raises(ClientError) as error:
        catalog.describe_portfolio(Id=portfolio_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_portfolio_with_products_cannot_be_deleted(catalog: Any, launchable: tuple[str, str]) -> None:
    with pytest.raises(ClientError) as error:
        catalog.delete_portfolio(Id=launchable[1])
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"


def test_update_portfolio_changes_description_and_tags(catalog: Any, portfolio_id: str) -> None:
    catalog.update_portfolio(Id=portfolio_id, Description="new", AddTags=[{"Key": "team", "Value": "ml"}])
    described = catalog.describe_portfolio(Id=portfolio_id)
    assert described["PortfolioDetail"]["Description"] == "new"
    assert described["Tags"] == [{"Key": "team", "Value": "ml"}]
