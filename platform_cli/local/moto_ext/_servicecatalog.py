"""State and lookups shared by the Service Catalog extensions (moto 5.2.5 keeps only portfolios and products).

Everything lives on moto's per-account, per-region ``ServiceCatalogBackend`` (so moto's reset clears it): the
provisioning artifacts of each product, product-portfolio and principal-portfolio associations, constraints,
provisioned products and their records. Errors carry Service Catalog's codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow

from platform_cli.local.moto_ext._support import ServiceError, random_id, state
from platform_cli.local.moto_ext._templates import template_problem


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParametersException", message)


def in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message)


def duplicate(message: str) -> ServiceError:
    return ServiceError("DuplicateResourceException", message)


@dataclass
class Artifact:
    """A provisioning artifact (a version of a product's template)."""

    product_id: str
    name: str
    description: str
    type: str
    info: dict[str, str]
    id: str = field(default_factory=lambda: random_id("pa-", 13))
    active: bool = True
    guidance: str = "DEFAULT"
    created_time: datetime = field(default_factory=utcnow)

    @classmethod
    def from_parameters(cls, product_id: str, parameters: dict[str, Any], account_id: str) -> Artifact:
        """An artifact from ``ProvisioningArtifactParameters``, its template validated as AWS does."""
        info = dict(parameters.get("Info") or {})
        if not info.get("LoadTemplateFromURL") and not info.get("ImportFromPhysicalId"):
            raise invalid("Info must contain LoadTemplateFromURL or ImportFromPhysicalId")
        if info.get("LoadTemplateFromURL") and not parameters.get("DisableTemplateValidation"):
            problem = template_problem(info["LoadTemplateFromURL"], account_id)
            if problem:
                raise invalid(problem)
        return cls(
            product_id=product_id,
            name=parameters.get("Name") or "",
            description=parameters.get("Description") or "",
            type=parameters.get("Type") or "CLOUD_FORMATION_TEMPLATE",
            info=info,
        )

    def detail(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "Type": self.type,
            "CreatedTime": self.created_time,
            "Active": self.active,
            "Guidance": self.guidance,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "CreatedTime": self.created_time,
            "ProvisioningArtifactMetadata": {},
        }

    def described_info(self) -> dict[str, str]:
        """``Info`` as DescribeProvisioningArtifact returns it: the template's URL."""
        url = self.info.get("LoadTemplateFromURL")
        return {"TemplateUrl": url} if url else {"PhysicalId": self.info.get("ImportFromPhysicalId", "")}


@dataclass
class Constraint:
    type: str
    description: str
    owner: str
    portfolio_id: str
    product_id: str
    parameters: str
    id: str = field(default_factory=lambda: random_id("cons-", 13))

    def detail(self) -> dict[str, Any]:
        return {
            "ConstraintId": self.id,
            "Type": self.type,
            "Description": self.description,
            "Owner": self.owner,
            "ProductId": self.product_id,
            "PortfolioId": self.portfolio_id,
        }

    def response(self) -> dict[str, Any]:
        return {"ConstraintDetail": self.detail(), "ConstraintParameters": self.parameters, "Status": "AVAILABLE"}


@dataclass
class Record:
    record_type: str
    provisioned_product_id: str
    provisioned_product_name: str
    product_id: str
    artifact_id: str
    path_id: str
    tags: list[dict[str, str]]
    status: str = "SUCCEEDED"
    id: str = field(default_factory=lambda: random_id("rec-", 13))
    created_time: datetime = field(default_factory=utcnow)
    outputs: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def detail(self) -> dict[str, Any]:
        return {
            "RecordId": self.id,
            "ProvisionedProductName": self.provisioned_product_name,
            "Status": self.status,
            "CreatedTime": self.created_time,
            "UpdatedTime": self.created_time,
            "ProvisionedProductType": "CFN_STACK",
            "RecordType": self.record_type,
            "ProvisionedProductId": self.provisioned_product_id,
            "ProductId": self.product_id,
            "ProvisioningArtifactId": self.artifact_id,
            "PathId": self.path_id,
            "RecordErrors": self.errors,
            "RecordTags": self.tags,
        }


@dataclass
class ProvisionedProduct:
    name: str
    arn: str
    product_id: str
    artifact_id: str
    path_id: str
    parameters: list[dict[str, str]]
    tags: list[dict[str, str]]
    idempotency_token: str
    last_record_id: str = ""
    stack_id: str = ""
    status: str = "AVAILABLE"
    id: str = field(default_factory=lambda: random_id("pp-", 13))
    created_time: datetime = field(default_factory=utcnow)

    def detail(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Arn": self.arn,
            "Type": "CFN_STACK",
            "Id": self.id,
            "Status": self.status,
            "StatusMessage": "",
            "CreatedTime": self.created_time,
            "IdempotencyToken": self.idempotency_token,
            "LastRecordId": self.last_record_id,
            "LastProvisioningRecordId": self.last_record_id,
            "LastSuccessfulProvisioningRecordId": self.last_record_id,
            "ProductId": self.product_id,
            "ProvisioningArtifactId": self.artifact_id,
        }


@dataclass
class CatalogState:
    artifacts: dict[str, list[Artifact]] = field(default_factory=dict)  # product id -> versions
    product_portfolios: dict[str, list[str]] = field(default_factory=dict)  # product id -> portfolio ids
    principals: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # portfolio id -> (arn, type)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    provisioned: dict[str, ProvisionedProduct] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # idempotency token -> created id


def catalog(backend: Any) -> CatalogState:
    return state(backend, "catalog", CatalogState)


def find_portfolio(backend: Any, portfolio_id: str | None) -> Any:
    portfolio = backend.portfolios.get(portfolio_id or "")
    if portfolio is None:
        raise not_found(f"Portfolio {portfolio_id} not found.")
    return portfolio


def find_product(backend: Any, product_id: str | None, name: str | None = None) -> Any:
    if product_id:
        product = backend.products.get(product_id)
    elif name:
        product = next((p for p in backend.products.values() if p.name == name), None)
    else:
        raise invalid("Either Id or Name must be specified.")
    if product is None:
        raise not_found(f"Product {product_id or name} not found.")
    return product


def find_artifact(backend: Any, product_id: str, artifact_id: str | None, name: str | None = None) -> Artifact:
    versions = catalog(backend).artifacts.get(product_id, [])
    for artifact in versions:
        if (artifact_id and artifact.id == artifact_id) or (not artifact_id and name and artifact.name == name):
            return artifact
    raise not_found(f"Provisioning artifact {artifact_id or name} not found for product {product_id}.")


def find_constraint(backend: Any, constraint_id: str | None) -> Constraint:
    constraint = catalog(backend).constraints.get(constraint_id or "")
    if constraint is None:
        raise not_found(f"Constraint {constraint_id} not found.")
    return constraint


def product_view_detail(backend: Any, product: Any) -> dict[str, Any]:
    summary = product.to_dict()
    summary["HasDefaultPath"] = bool(catalog(backend).product_portfolios.get(product.id))
    return {
        "ProductViewSummary": summary,
        "Status": "AVAILABLE",
        "ProductARN": product.arn,
        "CreatedTime": product.created_time,
    }


def params(response: Any) -> dict[str, Any]:
    """The JSON body of a Service Catalog request (moto's responses parse it with ``json.loads(self.body)``)."""
    body = response.body
    parsed: dict[str, Any] = json.loads(body) if body else {}
    return parsed
