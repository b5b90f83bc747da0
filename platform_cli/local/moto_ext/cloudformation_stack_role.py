"""A stack with a service role (``RoleARN``: a Service Catalog launch's launch constraint role) creates, updates and
deletes its resources as that role: moto 5.2.5 creates every resource with no authorisation at all.

Each resource moto's CloudFormation is about to create, update or delete is first authorised as the stack's role by
the local IAM evaluator (``platform_cli/local/iam/stack_role.py``: the type's handler permissions for the operation,
on the resource's ARN). A refusal fails the resource as CloudFormation does — ``CREATE_FAILED`` /
``UPDATE_FAILED`` / ``DELETE_FAILED`` with the handler's AccessDenied naming the action and resource — and the stack
rolls back (``cloudformation_custom_resources`` handles the failure as it does a custom resource's FAILED). A stack
without a role is left as moto makes it (the caller's own calls are what AWS would authorise; none of the
platform's stacks is created that way after the bootstrap).
"""

from __future__ import annotations

from typing import Any

from platform_cli.local.moto_ext._after_import import after_import

_MARK = "_mlops_stack_role_registered"


def _stack_role(resources_map: Any) -> str | None:
    """The role of the stack owning ``resources_map`` (read at each call: an update may change it)."""
    stack = getattr(resources_map, "mlops_stack", None)
    role = getattr(stack, "role_arn", None)
    return role if isinstance(role, str) and role else None


def _check(role_arn: str, resource: Any, operation: str, *, account: str, region: str) -> None:
    from moto.utilities.utils import get_partition

    from platform_cli.local.iam import hook, stack_role
    from platform_cli.local.iam.exceptions import UnknownResourceTypeError
    from platform_cli.local.moto_ext.cloudformation_custom_resources import CustomResourceFailed

    if not hook.installed():
        return  # in-process moto (a test's mock_aws) authorises no call, so no stack role either
    try:
        refused = stack_role.authorise(
            role_arn, resource, operation, partition=get_partition(region), region=region, account=account
        )
    except UnknownResourceTypeError as unknown:
        raise CustomResourceFailed(resource.logical_id, str(unknown)) from None
    if refused is not None:
        raise CustomResourceFailed(resource.logical_id, stack_role.handler_reason(refused))


def _resolved(logical_id: str, resource_json: dict[str, Any], resources_map: Any) -> Any:
    """The resource as its handler gets it (properties resolved), kept on the map for its update and delete:
    resolving again at delete time would make moto's lazy map re-create what it already deleted."""
    from moto.cloudformation import parsing

    from platform_cli.local.iam import stack_role

    parsed = parsing.parse_resource_and_generate_name(logical_id, resource_json, resources_map)
    if not parsed:
        return None
    _, resolved, physical_name = parsed
    properties = resolved.get("Properties") or {}
    resource = stack_role.Resource(
        resource_json["Type"], logical_id, properties if isinstance(properties, dict) else {}, physical_name
    )
    _kept(resources_map)[logical_id] = resource
    return resource


def _kept(resources_map: Any) -> dict[str, Any]:
    kept: dict[str, Any] | None = getattr(resources_map, "mlops_resources", None)
    if kept is None:
        kept = {}
        resources_map.mlops_resources = kept
    return kept


def _patch() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import Stack

    if getattr(parsing, _MARK, False):
        return
    moto_create_resource_map = Stack._create_resource_map

    def _create_resource_map(self: Any) -> Any:
        resources_map = moto_create_resource_map(self)
        resources_map.mlops_stack = self  # type: ignore[attr-defined]  # the stack's role, also while moto deletes it (popped from the backend)
        return resources_map

    moto_create = parsing.parse_and_create_resource
    moto_update = parsing.parse_and_update_resource
    moto_delete_resource = parsing.ResourceMap._delete_resource

    def parse_and_create_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        role = _stack_role(resources_map)
        condition = resource_json.get("Condition")
        if role is not None and not (condition and not resources_map.lazy_condition_map[condition]):
            resource = _resolved(logical_id, resource_json, resources_map)
            if resource is not None:
                _check(role, resource, "create", account=account_id, region=region_name)
        return moto_create(logical_id, resource_json, resources_map, account_id, region_name)

    def parse_and_update_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        role = _stack_role(resources_map)
        if role is not None:
            resource = _resolved(logical_id, resource_json, resources_map)
            if resource is not None:
                _check(role, resource, "update", account=account_id, region=region_name)
        return moto_update(logical_id, resource_json, resources_map, account_id, region_name)

    def _delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        role = _stack_role(self)
        if role is not None:
            from platform_cli.local.iam import stack_role

            logical_id = str(getattr(parsed_resource, "logical_resource_id", "") or "")
            resource = _kept(self).get(logical_id) or stack_role.Resource(
                resource_json["Type"], logical_id, {}, getattr(parsed_resource, "physical_resource_id", None)
            )
            _check(role, resource, "delete", account=self._account_id, region=self._region_name)
        moto_delete_resource(self, parsed_resource, resource_json)

    parsing.parse_and_create_resource = parse_and_create_resource
    parsing.parse_and_update_resource = parse_and_update_resource
    parsing.ResourceMap._delete_resource = _delete_resource  # type: ignore[method-assign]
    Stack._create_resource_map = _create_resource_map  # type: ignore[method-assign]
    setattr(parsing, _MARK, True)


def register() -> None:
    after_import("moto.cloudformation.models", _patch)
