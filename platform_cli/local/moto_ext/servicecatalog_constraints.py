"""Service Catalog constraints (launch constraints: the role a product is launched as), missing from moto 5.2.5.

Create/Describe/Update/DeleteConstraint and ListConstraintsForPortfolio. As in AWS, a constraint needs the
product to be in the portfolio, a LAUNCH constraint's parameters name ``RoleArn`` or ``LocalRoleName``, and a
product has at most one LAUNCH constraint per portfolio (``DuplicateResourceException``).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from platform_cli.local.moto_ext._servicecatalog import (
    Constraint,
    catalog,
    duplicate,
    find_constraint,
    find_portfolio,
    find_product,
    invalid,
    params,
)
from platform_cli.local.moto_ext._support import add_action

_TYPES = ("LAUNCH", "NOTIFICATION", "RESOURCE_UPDATE", "STACKSET", "TEMPLATE")


def _check_parameters(constraint_type: str, parameters: str) -> None:
    try:
        decoded = json.loads(parameters)
    except ValueError as error:
        raise invalid(f"Parameters of a {constraint_type} constraint must be JSON.") from error
    if constraint_type == "LAUNCH" and not (
        isinstance(decoded, dict) and (decoded.get("RoleArn") or decoded.get("LocalRoleName"))
    ):
        raise invalid("Parameters of a LAUNCH constraint must contain RoleArn or LocalRoleName.")


def _create_constraint(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    state = catalog(backend)
    token = body.get("IdempotencyToken")
    if token and token in state.tokens and state.tokens[token] in state.constraints:
        return ActionResult(state.constraints[state.tokens[token]].response())
    portfolio = find_portfolio(backend, body.get("PortfolioId"))
    product = find_product(backend, body.get("ProductId"))
    constraint_type = body.get("Type")
    if constraint_type not in _TYPES:
        raise invalid(f"Type must be one of {', '.join(_TYPES)}.")
    if portfolio.id not in state.product_portfolios.get(product.id, []):
        raise invalid(f"Product {product.id} is not associated with portfolio {portfolio.id}.")
    parameters = body.get("Parameters") or ""
    _check_parameters(constraint_type, parameters)
    if constraint_type == "LAUNCH" and any(
        c.type == "LAUNCH" and c.portfolio_id == portfolio.id and c.product_id == product.id
        for c in state.constraints.values()
    ):
        raise duplicate(f"Product {product.id} already has a LAUNCH constraint in portfolio {portfolio.id}.")
    constraint = Constraint(
        type=constraint_type,
        description=body.get("Description") or "",
        owner=backend.account_id,
        portfolio_id=portfolio.id,
        product_id=product.id,
        parameters=parameters,
    )
    state.constraints[constraint.id] = constraint
    if token:
        state.tokens[token] = constraint.id
    return ActionResult(constraint.response())


def _describe_constraint(self: Any) -> ActionResult:
    return ActionResult(find_constraint(self.servicecatalog_backend, params(self).get("Id")).response())


def _update_constraint(self: Any) -> ActionResult:
    body = params(self)
    constraint = find_constraint(self.servicecatalog_backend, body.get("Id"))
    if "Description" in body:
        constraint.description = body["Description"]
    if "Parameters" in body:
        _check_parameters(constraint.type, body["Parameters"])
        constraint.parameters = body["Parameters"]
    return ActionResult(constraint.response())


def _delete_constraint(self: Any) -> EmptyResult:
    backend = self.servicecatalog_backend
    constraint = find_constraint(backend, params(self).get("Id"))
    del catalog(backend).constraints[constraint.id]
    return EmptyResult()


def _list_constraints_for_portfolio(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    portfolio = find_portfolio(backend, body.get("PortfolioId"))
    product_id = body.get("ProductId")
    details = [
        c.detail()
        for c in catalog(backend).constraints.values()
        if c.portfolio_id == portfolio.id and (product_id is None or c.product_id == product_id)
    ]
    return ActionResult({"ConstraintDetails": details})


def register() -> None:
    add_action(ServiceCatalogResponse, "create_constraint", _create_constraint)
    add_action(ServiceCatalogResponse, "describe_constraint", _describe_constraint)
    add_action(ServiceCatalogResponse, "update_constraint", _update_constraint)
    add_action(ServiceCatalogResponse, "delete_constraint", _delete_constraint)
    add_action(ServiceCatalogResponse, "list_constraints_for_portfolio", _list_constraints_for_portfolio)
