"""Service Catalog provisioning: launch paths, ProvisionProduct, DescribeRecord, DescribeProvisionedProduct,
ScanProvisionedProducts and TerminateProvisionedProduct, all missing from moto 5.2.5.

A launch is checked as AWS checks it (the product, the artifact and a launch path through a portfolio holding the
product must exist; a provisioned product name is unique) and succeeds at once: the record is ``SUCCEEDED`` and
the provisioned product ``AVAILABLE``. No CloudFormation stack is created (moto cannot run the project templates'
Lambda-backed custom resources without Docker); the platform's local mode calls the provisioning Lambda the way
CloudFormation would instead.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from platform_cli.local.moto_ext._servicecatalog import (
    ProvisionedProduct,
    Record,
    catalog,
    duplicate,
    find_artifact,
    find_product,
    invalid,
    not_found,
    params,
)
from platform_cli.local.moto_ext._support import add_action


def _launch_paths(backend: Any, product_id: str) -> list[dict[str, Any]]:
    state = catalog(backend)
    paths = []
    for portfolio_id in state.product_portfolios.get(product_id, []):
        portfolio = backend.portfolios.get(portfolio_id)
        if portfolio is None:
            continue
        constraints = [
            {"Type": c.type, "Description": c.description}
            for c in state.constraints.values()
            if c.portfolio_id == portfolio_id and c.product_id == product_id
        ]
        paths.append(
            {"Id": portfolio_id, "Name": portfolio.display_name, "ConstraintSummaries": constraints, "Tags": []}
        )
    return paths


def _list_launch_paths(self: Any) -> ActionResult:
    backend = self.servicecatalog_backend
    product = find_product(backend, params(self).get("ProductId"))
    return ActionResult({"LaunchPathSummaries": _launch_paths(backend, product.id)})


def _find_provisioned(backend: Any, provisioned_id: str | None, name: str | None) -> ProvisionedProduct:
    for provisioned in catalog(backend).provisioned.values():
        if (provisioned_id and provisioned.id == provisioned_id) or (not provisioned_id and provisioned.name == name):
            return provisioned
    raise not_found(f"Provisioned product {provisioned_id or name} not found.")


def _provision_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    state = catalog(backend)
    token = body.get("ProvisionToken") or ""
    for provisioned in state.provisioned.values():
        if token and provisioned.idempotency_token == token:
            return ActionResult({"RecordDetail": state.records[provisioned.last_record_id].detail()})
    product = find_product(backend, body.get("ProductId"), body.get("ProductName"))
    artifact = find_artifact(
        backend, product.id, body.get("ProvisioningArtifactId"), body.get("ProvisioningArtifactName")
    )
    paths = _launch_paths(backend, product.id)
    path_id = body.get("PathId") or next((p["Id"] for p in paths if p["Name"] == body.get("PathName")), None)
    if path_id is None and len(paths) == 1:
        path_id = paths[0]["Id"]
    if path_id is None or path_id not in {p["Id"] for p in paths}:
        raise invalid(f"No launch path {path_id or ''} for product {product.id}: add it to a portfolio first.")
    name = body.get("ProvisionedProductName") or ""
    if any(p.name == name for p in state.provisioned.values()):
        raise duplicate(f"A provisioned product named {name} already exists.")
    provisioned = ProvisionedProduct(
        name=name,
        arn="",
        product_id=product.id,
        artifact_id=artifact.id,
        path_id=path_id,
        parameters=list(body.get("ProvisioningParameters") or []),
        tags=list(body.get("Tags") or []),
        idempotency_token=token,
    )
    provisioned.arn = f"arn:aws:servicecatalog:{backend.region_name}:{backend.account_id}:stack/{name}/{provisioned.id}"
    record = Record(
        record_type="PROVISION_PRODUCT",
        provisioned_product_id=provisioned.id,
        provisioned_product_name=name,
        product_id=product.id,
        artifact_id=artifact.id,
        path_id=path_id,
        tags=provisioned.tags,
    )
    provisioned.last_record_id = record.id
    state.provisioned[provisioned.id] = provisioned
    state.records[record.id] = record
    return ActionResult({"RecordDetail": record.detail()})


def _describe_record(self: Any) -> ActionResult:
    record_id = params(self).get("Id")
    record = catalog(self.servicecatalog_backend).records.get(record_id or "")
    if record is None:
        raise not_found(f"Record {record_id} not found.")
    return ActionResult({"RecordDetail": record.detail(), "RecordOutputs": []})


def _describe_provisioned_product(self: Any) -> ActionResult:
    body = params(self)
    provisioned = _find_provisioned(self.servicecatalog_backend, body.get("Id"), body.get("Name"))
    return ActionResult({"ProvisionedProductDetail": provisioned.detail(), "CloudWatchDashboards": []})


def _scan_provisioned_products(self: Any) -> ActionResult:
    details = [p.detail() for p in catalog(self.servicecatalog_backend).provisioned.values()]
    return ActionResult({"ProvisionedProducts": details})


def _terminate_provisioned_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    state = catalog(backend)
    provisioned = _find_provisioned(backend, body.get("ProvisionedProductId"), body.get("ProvisionedProductName"))
    record = Record(
        record_type="TERMINATE_PROVISIONED_PRODUCT",
        provisioned_product_id=provisioned.id,
        provisioned_product_name=provisioned.name,
        product_id=provisioned.product_id,
        artifact_id=provisioned.artifact_id,
        path_id=provisioned.path_id,
        tags=provisioned.tags,
    )
    state.records[record.id] = record
    del state.provisioned[provisioned.id]
    return ActionResult({"RecordDetail": record.detail()})


def register() -> None:
    add_action(ServiceCatalogResponse, "list_launch_paths", _list_launch_paths)
    add_action(ServiceCatalogResponse, "provision_product", _provision_product)
    add_action(ServiceCatalogResponse, "describe_record", _describe_record)
    add_action(ServiceCatalogResponse, "describe_provisioned_product", _describe_provisioned_product)
    add_action(ServiceCatalogResponse, "scan_provisioned_products", _scan_provisioned_products)
    add_action(ServiceCatalogResponse, "terminate_provisioned_product", _terminate_provisioned_product)
