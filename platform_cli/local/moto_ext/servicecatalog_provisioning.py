"""Service Catalog provisioning: launch paths, ProvisionProduct, DescribeRecord, DescribeProvisionedProduct,
ScanProvisionedProducts and TerminateProvisionedProduct, all missing from moto 5.2.5.

A launch is checked as AWS checks it (the product, the artifact and a launch path through a portfolio holding the
product must exist; a provisioned product name is unique), then, as Service Catalog does, creates the CloudFormation
stack ``SC-<account>-<provisioned product id>`` from the artifact's template with the provisioning parameters and
the launch constraint's role as the stack's role — which Service Catalog must be able to assume (its trust policy
allows ``servicecatalog.amazonaws.com``, else InvalidParametersException). Every resource of the template is created
in local AWS, custom resources through their Lambda (``cloudformation_custom_resources``). A stack that completes
makes the record ``SUCCEEDED`` (its outputs, and ``CloudformationStackARN``, as ``RecordOutputs``) and the
provisioned product ``AVAILABLE``; one that fails and rolls back makes the record ``FAILED`` with the failing
resource's reason and the provisioned product ``ERROR``. UpdateProvisionedProduct updates the stack
(``UsePreviousValue`` honoured); TerminateProvisionedProduct deletes it (a failed delete leaves the product
``TAINTED`` and the record ``FAILED``). The stack runs synchronously: the record is final when the call returns.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import ServiceException
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
from platform_cli.local.moto_ext._support import add_action, tags_dict
from platform_cli.local.moto_ext._templates import missing_ssm_parameters, template_body


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


def _launch_role(backend: Any, path_id: str, product_id: str) -> str | None:
    """The launch constraint's role ARN on this launch path, if it has one."""
    for constraint in catalog(backend).constraints.values():
        if constraint.type == "LAUNCH" and constraint.portfolio_id == path_id and constraint.product_id == product_id:
            parameters = json.loads(constraint.parameters or "{}")
            if parameters.get("RoleArn"):
                return str(parameters["RoleArn"])
            if parameters.get("LocalRoleName"):
                return f"arn:aws:iam::{backend.account_id}:role/{parameters['LocalRoleName']}"
    return None


def _assume_launch_role(backend: Any, role_arn: str | None) -> None:
    """Service Catalog assumes the launch role to launch or update a product: a role whose trust policy does not
    allow ``servicecatalog.amazonaws.com`` fails the call, before any stack is touched."""
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook
    from platform_cli.local.iam.service_roles import SERVICE_CATALOG, service_may_assume

    if role_arn is None or not hook.installed():
        return  # in-process moto (a test's mock_aws) authorises nothing
    region = backend.region_name
    if service_may_assume(SERVICE_CATALOG, role_arn, partition=get_partition(region), region=region) is not None:
        raise invalid(
            f"Access denied while assuming the role {role_arn}: its trust policy does not allow "
            f"{SERVICE_CATALOG} to call sts:AssumeRole (the launch constraint's role must trust Service Catalog)."
        )


def _cloudformation(backend: Any) -> Any:
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[backend.account_id][backend.region_name]


def _template(backend: Any, artifact: Any) -> str:
    url = artifact.info.get("LoadTemplateFromURL", "")
    body = template_body(url, backend.account_id)
    if body is None:
        raise invalid(f"Unable to load the template of artifact {artifact.id} from {url}.")
    return body


def _stack_result(stack: Any, record: Record) -> str:
    """Copy the stack's outcome to the record; return the provisioned product's status."""
    if stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        record.status = "SUCCEEDED"
        record.outputs = [
            {
                "OutputKey": o["OutputKey"],
                "OutputValue": str(o["OutputValue"]),
                "Description": o.get("Description") or "",
            }
            for o in stack.outputs or []
        ]
        record.outputs.append({"OutputKey": "CloudformationStackARN", "OutputValue": stack.stack_id, "Description": ""})
        return "AVAILABLE"
    reasons = [e.resource_status_reason for e in stack.events if e.resource_status.endswith("_FAILED")]
    record.status = "FAILED"
    record.errors = [{"Code": stack.status, "Description": reason or stack.status} for reason in reasons[:1]] or [
        {"Code": stack.status, "Description": f"Stack {stack.name} ended {stack.status}"}
    ]
    return "ERROR" if stack.status.startswith("ROLLBACK") or stack.status == "CREATE_FAILED" else "TAINTED"


def provision(backend: Any, body: dict[str, Any]) -> Record:
    """ProvisionProduct with ``body`` (its request, by botocore's names); the launch's record, final on return.
    Also how SageMaker's CreateProject launches a project's product (``sagemaker_project``)."""
    state = catalog(backend)
    token = body.get("ProvisionToken") or ""
    for provisioned in state.provisioned.values():
        if token and provisioned.idempotency_token == token:
            return state.records[provisioned.last_record_id]
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
    template = _template(backend, artifact)
    given = {p["Key"]: p["Value"] for p in provisioned.parameters}
    missing = missing_ssm_parameters(template, given, backend.account_id, backend.region_name)
    if missing:
        raise invalid(f"Parameters: [{', '.join(missing)}] cannot be found (SSM parameters the template reads).")
    role_arn = _launch_role(backend, path_id, product.id)
    _assume_launch_role(backend, role_arn)
    try:
        stack = _cloudformation(backend).create_stack(
            name=f"SC-{backend.account_id}-{provisioned.id}",
            template=template,
            parameters=given,
            tags={**tags_dict(provisioned.tags), "aws:servicecatalog:provisionedProductArn": provisioned.arn},
            role_arn=role_arn,
        )
    except ServiceException as error:  # CloudFormation's parameter validation: Service Catalog answers it as its own
        raise invalid(str(getattr(error, "message", "") or error)) from None
    state.provisioned[provisioned.id] = provisioned
    state.records[record.id] = record
    provisioned.stack_id = stack.stack_id
    provisioned.status = _stack_result(stack, record)
    return record


def find_provisioned(backend: Any, provisioned_id: str) -> ProvisionedProduct | None:
    """The provisioned product ``provisioned_id`` (``None`` once terminated)."""
    return catalog(backend).provisioned.get(provisioned_id)


def _provision_product(self: Any) -> ActionResult:
    return ActionResult({"RecordDetail": provision(self.servicecatalog_backend, params(self)).detail()})


def _update_provisioned_product(self: Any) -> ActionResult:
    body = params(self)
    backend = self.servicecatalog_backend
    state = catalog(backend)
    provisioned = _find_provisioned(backend, body.get("ProvisionedProductId"), body.get("ProvisionedProductName"))
    artifact = find_artifact(
        backend,
        provisioned.product_id,
        body.get("ProvisioningArtifactId") or provisioned.artifact_id,
        body.get("ProvisioningArtifactName"),
    )
    previous = {p["Key"]: p["Value"] for p in provisioned.parameters}
    parameters = []
    for given in body.get("ProvisioningParameters") or []:
        value = previous.get(given["Key"], "") if given.get("UsePreviousValue") else given.get("Value", "")
        parameters.append({"Key": given["Key"], "Value": value})
    named = {p["Key"] for p in parameters}
    parameters += [{"Key": key, "Value": value} for key, value in previous.items() if key not in named]
    path_id = body.get("PathId") or provisioned.path_id
    role_arn = _launch_role(backend, path_id, provisioned.product_id)
    _assume_launch_role(backend, role_arn)
    record = Record(
        record_type="UPDATE_PROVISIONED_PRODUCT",
        provisioned_product_id=provisioned.id,
        provisioned_product_name=provisioned.name,
        product_id=provisioned.product_id,
        artifact_id=artifact.id,
        path_id=path_id,
        tags=provisioned.tags,
    )
    state.records[record.id] = record
    stack = _cloudformation(backend).update_stack(
        name=provisioned.stack_id,
        template=_template(backend, artifact),
        role_arn=role_arn,
        parameters=[{"ParameterKey": p["Key"], "ParameterValue": p["Value"]} for p in parameters],
        tags=None,
    )
    provisioned.status = _stack_result(stack, record)
    provisioned.last_record_id = record.id
    if record.status == "SUCCEEDED":
        provisioned.parameters = parameters
        provisioned.artifact_id = artifact.id
    return ActionResult({"RecordDetail": record.detail()})


def _describe_record(self: Any) -> ActionResult:
    record_id = params(self).get("Id")
    record = catalog(self.servicecatalog_backend).records.get(record_id or "")
    if record is None:
        raise not_found(f"Record {record_id} not found.")
    return ActionResult({"RecordDetail": record.detail(), "RecordOutputs": record.outputs})


def _describe_provisioned_product(self: Any) -> ActionResult:
    body = params(self)
    provisioned = _find_provisioned(self.servicecatalog_backend, body.get("Id"), body.get("Name"))
    return ActionResult({"ProvisionedProductDetail": provisioned.detail(), "CloudWatchDashboards": []})


def _scan_provisioned_products(self: Any) -> ActionResult:
    details = [p.detail() for p in catalog(self.servicecatalog_backend).provisioned.values()]
    return ActionResult({"ProvisionedProducts": details})


def terminate(backend: Any, body: dict[str, Any]) -> Record:
    """TerminateProvisionedProduct with ``body``; its record (``FAILED`` when the stack could not be deleted).
    Also how SageMaker's DeleteProject terminates a project's product (``sagemaker_project``)."""
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
    if provisioned.stack_id:
        cloudformation = _cloudformation(backend)
        stack = cloudformation.get_stack(provisioned.stack_id)
        cloudformation.delete_stack(provisioned.stack_id)
        if stack.status == "DELETE_FAILED":
            record.status = "FAILED"
            record.errors = [{"Code": "DELETE_FAILED", "Description": stack.events[-1].resource_status_reason or ""}]
            provisioned.status = "TAINTED"
            provisioned.last_record_id = record.id
            return record
    del state.provisioned[provisioned.id]
    return record


def _terminate_provisioned_product(self: Any) -> ActionResult:
    return ActionResult({"RecordDetail": terminate(self.servicecatalog_backend, params(self)).detail()})


def register() -> None:
    add_action(ServiceCatalogResponse, "list_launch_paths", _list_launch_paths)
    add_action(ServiceCatalogResponse, "provision_product", _provision_product)
    add_action(ServiceCatalogResponse, "describe_record", _describe_record)
    add_action(ServiceCatalogResponse, "describe_provisioned_product", _describe_provisioned_product)
    add_action(ServiceCatalogResponse, "scan_provisioned_products", _scan_provisioned_products)
    add_action(ServiceCatalogResponse, "terminate_provisioned_product", _terminate_provisioned_product)
    add_action(ServiceCatalogResponse, "update_provisioned_product", _update_provisioned_product)
