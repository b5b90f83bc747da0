"""Service Catalog products with real provisioning artifacts (versions).

moto 5.2.5 creates a product but drops its provisioning artifact (CreateProduct answers an empty
``ProvisioningArtifactDetail``), lacks DescribeProductAsAdmin (Terraform waits on it for ``AVAILABLE``, the
provisioning reads it), UpdateProduct, DescribeProvisioningArtifact and Create/List/Update/Delete of artifacts,
answers DescribeProduct without artifacts or launch paths, and deletes unknown or still-associated products
silently. Here every product keeps its artifacts, each ``AVAILABLE`` at once.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from platform_cli.local.moto_ext._servicecatalog import (
    Artifact,
    catalog,
    find_artifact,
    find_product,
    in_use,
    invalid,
    params,
    product_view_detail,
)
from platform_cli.local.moto_ext._support import add_action, tags_dict, tags_list


def _tags_of(backend: Any, arn: str) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = backend._list_tags_for_resource(arn)
    return tags


def _create_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    artifact_parameters = body.get("ProvisioningArtifactParameters")
    if not artifact_parameters:
        raise invalid("ProvisioningArtifactParameters is required for a CLOUD_FORMATION_TEMPLATE product.")
    token = body.get("IdempotencyToken")
    existing = backend.idempotency_tokens.get(token) if token else None
    product = backend.create_product(
        name=body.get("Name"),
        owner=body.get("Owner"),
        description=body.get("Description"),
        distributor=body.get("Distributor"),
        support_description=body.get("SupportDescription"),
        support_email=body.get("SupportEmail"),
        support_url=body.get("SupportUrl"),
        product_type=body.get("ProductType"),
        tags=body.get("Tags"),
        provisioning_artifact_parameters=artifact_parameters,
        idempotency_token=token,
        source_connection=body.get("SourceConnection"),
        accept_language=body.get("AcceptLanguage"),
    )
    versions = catalog(backend).artifacts
    if existing is None or product.id not in versions:
        versions[product.id] = [Artifact.from_parameters(product.id, artifact_parameters)]
    artifact = versions[product.id][0]
    return ActionResult(
        {
            "ProductViewDetail": product_view_detail(backend, product),
            "ProvisioningArtifactDetail": artifact.detail(),
            "Tags": _tags_of(backend, product.arn),
        }
    )


def _describe_product_as_admin(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("Id"), body.get("Name"))
    return ActionResult(
        {
            "ProductViewDetail": product_view_detail(backend, product),
            "ProvisioningArtifactSummaries": [a.summary() for a in catalog(backend).artifacts.get(product.id, [])],
            "Tags": _tags_of(backend, product.arn),
            "TagOptions": [],
            "Budgets": [],
        }
    )


def _describe_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("Id"), body.get("Name"))
    state = catalog(backend)
    artifacts = [
        {
            "Id": a.id,
            "Name": a.name,
            "Description": a.description,
            "CreatedTime": a.created_time,
            "Guidance": a.guidance,
        }
        for a in state.artifacts.get(product.id, [])
        if a.active
    ]
    paths = [
        {"Id": portfolio_id, "Name": backend.portfolios[portfolio_id].display_name}
        for portfolio_id in state.product_portfolios.get(product.id, [])
        if portfolio_id in backend.portfolios
    ]
    return ActionResult(
        {
            "ProductViewSummary": product.to_dict(),
            "ProvisioningArtifacts": artifacts,
            "Budgets": [],
            "LaunchPaths": paths,
        }
    )


def _update_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("Id"))
    for field, attribute in (
        ("Name", "name"),
        ("Owner", "owner"),
        ("Description", "description"),
        ("Distributor", "distributor"),
        ("SupportDescription", "support_description"),
        ("SupportEmail", "support_email"),
        ("SupportUrl", "support_url"),
    ):
        if field in body:
            setattr(product, attribute, body[field])
    tags = tags_dict(_tags_of(backend, product.arn))
    tags.update(tags_dict(body.get("AddTags")))
    for key in body.get("RemoveTags") or []:
        tags.pop(key, None)
    backend.tagger.delete_all_tags_for_resource(product.arn)
    if tags:
        backend._tag_resource(product.arn, tags_list(tags))
    product.tags = tags_list(tags)
    return ActionResult(
        {"ProductViewDetail": product_view_detail(backend, product), "Tags": _tags_of(backend, product.arn)}
    )


def _delete_product(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("Id"))
    state = catalog(backend)
    if state.product_portfolios.get(product.id):
        raise in_use(f"Product {product.id} is associated with portfolios; disassociate it first.")
    del backend.products[product.id]
    state.artifacts.pop(product.id, None)
    backend.tagger.delete_all_tags_for_resource(product.arn)
    return EmptyResult()


def _artifact_response(artifact: Artifact) -> ActionResult:
    return ActionResult(
        {"ProvisioningArtifactDetail": artifact.detail(), "Info": artifact.described_info(), "Status": "AVAILABLE"}
    )


def _describe_provisioning_artifact(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"), body.get("ProductName"))
    artifact = find_artifact(
        backend, product.id, body.get("ProvisioningArtifactId"), body.get("ProvisioningArtifactName")
    )
    return _artifact_response(artifact)


def _create_provisioning_artifact(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"))
    state = catalog(backend)
    token = body.get("IdempotencyToken")
    if token and token in state.tokens:
        return _artifact_response(find_artifact(backend, product.id, state.tokens[token]))
    artifact = Artifact.from_parameters(product.id, body.get("Parameters") or {})
    state.artifacts.setdefault(product.id, []).append(artifact)
    if token:
        state.tokens[token] = artifact.id
    return _artifact_response(artifact)


def _update_provisioning_artifact(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"))
    artifact = find_artifact(backend, product.id, body.get("ProvisioningArtifactId"))
    if "Name" in body:
        artifact.name = body["Name"]
    if "Description" in body:
        artifact.description = body["Description"]
    if "Active" in body:
        artifact.active = bool(body["Active"])
    if "Guidance" in body:
        artifact.guidance = body["Guidance"]
    return _artifact_response(artifact)


def _delete_provisioning_artifact(self: Any) -> EmptyResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"))
    artifact = find_artifact(backend, product.id, body.get("ProvisioningArtifactId"))
    versions = catalog(backend).artifacts[product.id]
    if len(versions) == 1:
        raise invalid(f"Cannot delete the only provisioning artifact {artifact.id} of product {product.id}.")
    versions.remove(artifact)
    return EmptyResult()


def _list_provisioning_artifacts(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    product = find_product(backend, body.get("ProductId"))
    details = [artifact.detail() for artifact in catalog(backend).artifacts.get(product.id, [])]
    return ActionResult({"ProvisioningArtifactDetails": details})


def register() -> None:
    add_action(ServiceCatalogResponse, "create_product", _create_product)
    add_action(ServiceCatalogResponse, "describe_product_as_admin", _describe_product_as_admin)
    add_action(ServiceCatalogResponse, "describe_product", _describe_product)
    add_action(ServiceCatalogResponse, "update_product", _update_product)
    add_action(ServiceCatalogResponse, "delete_product", _delete_product)
    add_action(ServiceCatalogResponse, "describe_provisioning_artifact", _describe_provisioning_artifact)
    add_action(ServiceCatalogResponse, "create_provisioning_artifact", _create_provisioning_artifact)
    add_action(ServiceCatalogResponse, "update_provisioning_artifact", _update_provisioning_artifact)
    add_action(ServiceCatalogResponse, "delete_provisioning_artifact", _delete_provisioning_artifact)
    add_action(ServiceCatalogResponse, "list_provisioning_artifacts", _list_provisioning_artifacts)
