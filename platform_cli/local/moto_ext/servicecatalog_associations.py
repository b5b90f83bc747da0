"""Service Catalog associations: products with portfolios, principals (Studio roles) with portfolios.

All missing from moto 5.2.5: Associate/DisassociateProductWithPortfolio, ListPortfoliosForProduct,
SearchProductsAsAdmin (by portfolio), Associate/DisassociatePrincipalWithPortfolio and ListPrincipalsForPortfolio.
Associating is idempotent, as in AWS; disassociating what is not associated is ``ResourceNotFoundException``, and a
product keeps its association while a constraint still binds it to that portfolio (``ResourceInUseException``).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from platform_cli.local.moto_ext._servicecatalog import (
    catalog,
    find_portfolio,
    find_product,
    in_use,
    invalid,
    not_found,
    params,
    product_view_detail,
)
from platform_cli.local.moto_ext._support import add_action

_PRINCIPAL_TYPES = ("IAM", "IAM_PATTERN")


def _associate_product_with_portfolio(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"))
    portfolio = find_portfolio(backend, body.get("PortfolioId"))
    portfolios = catalog(backend).product_portfolios.setdefault(product.id, [])
    if portfolio.id not in portfolios:
        portfolios.append(portfolio.id)
    return EmptyResult()


def _disassociate_product_from_portfolio(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    state = catalog(backend)
    product_id, portfolio_id = body.get("ProductId"), body.get("PortfolioId")
    portfolios = state.product_portfolios.get(product_id or "", [])
    if portfolio_id not in portfolios:
        raise not_found(f"Product {product_id} is not associated with portfolio {portfolio_id}.")
    if any(c.product_id == product_id and c.portfolio_id == portfolio_id for c in state.constraints.values()):
        raise in_use(f"Product {product_id} has constraints in portfolio {portfolio_id}; delete them first.")
    portfolios.remove(portfolio_id)
    return EmptyResult()


def _list_portfolios_for_product(self: Any) -> ActionResult:
    backend = self.servicecatalog_backend
    product = find_product(backend, params(self).get("ProductId"))
    ids = catalog(backend).product_portfolios.get(product.id, [])
    return ActionResult({"PortfolioDetails": [backend.portfolios[i].to_dict() for i in ids if i in backend.portfolios]})


def _search_products_as_admin(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    portfolio_id = body.get("PortfolioId")
    if portfolio_id:
        find_portfolio(backend, portfolio_id)
    state = catalog(backend)
    products = [
        product
        for product in backend.products.values()
        if portfolio_id is None or portfolio_id in state.product_portfolios.get(product.id, [])
    ]
    return ActionResult({"ProductViewDetails": [product_view_detail(backend, p) for p in products]})


def _associate_principal_with_portfolio(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, body.get("PortfolioId"))
    principal_type = body.get("PrincipalType")
    if principal_type not in _PRINCIPAL_TYPES:
        raise invalid(f"PrincipalType must be one of {', '.join(_PRINCIPAL_TYPES)}.")
    arn = body.get("PrincipalARN") or ""
    if not arn.startswith("arn:"):
        raise invalid(f"PrincipalARN {arn!r} is not an ARN.")
    principals = catalog(backend).principals.setdefault(portfolio.id, [])
    if (arn, principal_type) not in principals:
        principals.append((arn, principal_type))
    return EmptyResult()


def _disassociate_principal_from_portfolio(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, body.get("PortfolioId"))
    principals = catalog(backend).principals.get(portfolio.id, [])
    arn = body.get("PrincipalARN")
    matching = [p for p in principals if p[0] == arn and body.get("PrincipalType", p[1]) == p[1]]
    if not matching:
        raise not_found(f"Principal {arn} is not associated with portfolio {portfolio.id}.")
    for principal in matching:
        principals.remove(principal)
    return EmptyResult()


def _list_principals_for_portfolio(self: Any) -> ActionResult:
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, params(self).get("PortfolioId"))
    principals = catalog(backend).principals.get(portfolio.id, [])
    return ActionResult({"Principals": [{"PrincipalARN": arn, "PrincipalType": kind} for arn, kind in principals]})


def register() -> None:
    add_action(ServiceCatalogResponse, "associate_product_with_portfolio", _associate_product_with_portfolio)
    add_action(ServiceCatalogResponse, "disassociate_product_from_portfolio", _disassociate_product_from_portfolio)
    add_action(ServiceCatalogResponse, "list_portfolios_for_product", _list_portfolios_for_product)
    add_action(ServiceCatalogResponse, "search_products_as_admin", _search_products_as_admin)
    add_action(ServiceCatalogResponse, "associate_principal_with_portfolio", _associate_principal_with_portfolio)
    add_action(ServiceCatalogResponse, "disassociate_principal_from_portfolio", _disassociate_principal_from_portfolio)
    add_action(ServiceCatalogResponse, "list_principals_for_portfolio", _list_principals_for_portfolio)
