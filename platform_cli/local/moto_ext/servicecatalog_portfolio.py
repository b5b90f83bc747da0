"""Service Catalog portfolios that answer like AWS when missing, in use or updated.

moto 5.2.5 answers DescribePortfolio of an unknown id with an empty body (Terraform then reads a blank
portfolio and never sees it gone), deletes unknown or still-used portfolios silently, and lacks UpdatePortfolio.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from platform_cli.local.moto_ext._servicecatalog import catalog, find_portfolio, in_use, params
from platform_cli.local.moto_ext._support import add_action, tags_dict, tags_list


def _describe_portfolio(self: Any) -> ActionResult:
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, params(self).get("Id"))
    return ActionResult(
        {"PortfolioDetail": portfolio.to_dict(), "Tags": portfolio.tags or [], "TagOptions": [], "Budgets": []}
    )


def _delete_portfolio(self: Any) -> EmptyResult:
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, params(self).get("Id"))
    state = catalog(backend)
    if any(portfolio.id in portfolios for portfolios in state.product_portfolios.values()):
        raise in_use(f"Portfolio {portfolio.id} still has products; disassociate them first.")
    if state.principals.get(portfolio.id):
        raise in_use(f"Portfolio {portfolio.id} still has principals; disassociate them first.")
    if any(constraint.portfolio_id == portfolio.id for constraint in state.constraints.values()):
        raise in_use(f"Portfolio {portfolio.id} still has constraints; delete them first.")
    del backend.portfolios[portfolio.id]
    backend.portfolio_access.pop(portfolio.id, None)
    backend.tagger.delete_all_tags_for_resource(portfolio.arn)
    return EmptyResult()


def _update_portfolio(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, body.get("Id"))
    if "DisplayName" in body:
        portfolio.display_name = body["DisplayName"]
    if "Description" in body:
        portfolio.description = body["Description"]
    if "ProviderName" in body:
        portfolio.provider_name = body["ProviderName"]
    tags = tags_dict(portfolio.tags)
    tags.update(tags_dict(body.get("AddTags")))
    for key in body.get("RemoveTags") or []:
        tags.pop(key, None)
    portfolio.tags = tags_list(tags)
    backend.tagger.delete_all_tags_for_resource(portfolio.arn)
    if tags:
        backend._tag_resource(portfolio.arn, portfolio.tags)
    return ActionResult({"PortfolioDetail": portfolio.to_dict(), "Tags": portfolio.tags})


def register() -> None:
    add_action(ServiceCatalogResponse, "describe_portfolio", _describe_portfolio)
    add_action(ServiceCatalogResponse, "delete_portfolio", _delete_portfolio)
    add_action(ServiceCatalogResponse, "update_portfolio", _update_portfolio)
