"""What the CloudFormation extensions share (not itself an extension: the leading underscore keeps it undiscovered).

Two kinds of CloudFormation gap recur in moto 5.2.5: a resource type it skips entirely (a new model must be
registered), and a type it creates while ignoring some properties (its own create must be followed by the rest).
Both are done here once, so each extension module holds only what is particular to its resource type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# after(created resource, its template Properties, account id, region) -> None
AfterCreate = Callable[[Any, dict[str, Any], str, str], None]


def refresh_model_lookups() -> None:
    """Make moto's CloudFormation see newly defined models: it caches its type maps on first use."""
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


@dataclass(frozen=True)
class Created:
    """A resource of a type moto skips, as its model keeps it: ``Ref`` returns ``physical_id``; ``Fn::GetAtt``
    reads ``attributes``."""

    physical_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)


# create(logical resource name, Properties, account id, region) -> Created
CreateHook = Callable[[str, dict[str, Any], str, str], Created]
# update(what create made, Properties, account id, region) -> Created
UpdateHook = Callable[[Created, dict[str, Any], str, str], Created]
# delete(physical id, Properties as the template has them, account id, region)
DeleteHook = Callable[[str, dict[str, Any], str, str], None]


def define_resource_model(
    type_name: str,
    *,
    create: CreateHook,
    delete: DeleteHook,
    update: UpdateHook | None = None,
    name_property: str = "",
    attribute_names: tuple[str, ...] = (),
) -> type[Any]:
    """Define (once per type, after moto's CloudFormation is loaded) the ``CloudFormationModel`` of a resource type
    moto skips, from what is particular to the type: how to create, update (default: keep as is) and delete it.
    moto finds models among the direct subclasses of ``CloudFormationModel``, so defining it registers it; call
    ``refresh_model_lookups`` afterwards."""
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
    from moto.core.common_models import CloudFormationModel

    class ResourceModel(CloudFormationModel):
        def __init__(self, created: Created) -> None:
            self.created = created

        @property
        def physical_resource_id(self) -> str:
            return self.created.physical_id

        @staticmethod
        def cloudformation_name_type() -> str:
            return name_property

        @staticmethod
        def cloudformation_type() -> str:
            return type_name

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in attribute_names

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name not in attribute_names:
                raise UnformattedGetAttTemplateException()
            return self.created.attributes[attribute_name]

        def is_created(self) -> bool:
            return True

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kw: Any
        ) -> ResourceModel:
            return cls(create(resource_name, cloudformation_json.get("Properties", {}), account_id, region_name))

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> ResourceModel:
            if update is None:
                return original_resource  # type: ignore[no-any-return]
            properties = cloudformation_json.get("Properties", {})
            return cls(update(original_resource.created, properties, account_id, region_name))

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            delete(resource_name, cloudformation_json.get("Properties", {}), account_id, region_name)

    ResourceModel.__name__ = ResourceModel.__qualname__ = type_name.replace("::", "") + "Model"
    return ResourceModel


def complete_create(
    model_class: type[Any],
    mark: str,
    after: AfterCreate | None = None,
    *,
    before: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    also_on_update: bool = False,
) -> None:
    """Wrap moto's own ``create_from_cloudformation_json`` of ``model_class`` (and its update, with
    ``also_on_update``): ``before`` rewrites the template's Properties moto would choke on, ``after`` applies the
    ones it ignores to what it created. Idempotent: ``mark`` is set on the class once it is patched."""
    if getattr(model_class, mark, False):
        return
    original_create = model_class.create_from_cloudformation_json
    original_update = model_class.update_from_cloudformation_json

    def prepared(cloudformation_json: Any) -> Any:
        if before is None:
            return cloudformation_json
        return {**cloudformation_json, "Properties": before(dict(cloudformation_json.get("Properties", {})))}

    def completed(resource: Any, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        if after is not None:
            after(resource, cloudformation_json.get("Properties", {}), account_id, region_name)
        return resource

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        cloudformation_json = prepared(cloudformation_json)
        created = original_create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return completed(created, cloudformation_json, account_id, region_name)

    def update_from_cloudformation_json(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        cloudformation_json = prepared(cloudformation_json)
        updated = original_update(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        return completed(updated, cloudformation_json, account_id, region_name)

    model_class.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    if also_on_update:
        model_class.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
    setattr(model_class, mark, True)
