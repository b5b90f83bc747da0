"""What the CloudFormation extensions share (not itself an extension: the leading underscore keeps it undiscovered).

Two kinds of CloudFormation gap recur in moto 5.2.5: a resource type it skips entirely (a new model must be
registered), and a type it creates while ignoring some properties (its own create must be followed by the rest).
Both are done here once, so each extension module holds only what is particular to its resource type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# after(created resource, its template Properties, account id, region) -> None
AfterCreate = Callable[[Any, dict[str, Any], str, str], None]


def refresh_model_lookups() -> None:
    """Make moto's CloudFormation see newly defined models: it caches its type maps on first use."""
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


def resource_model_base(
    type_name: str, *, name_property: str = "", attributes: Mapping[str, str] | None = None
) -> type[Any]:
    """The part of a ``CloudFormationModel`` that is the same for every type moto skips: ``Ref`` is the instance's
    ``physical_id`` and each ``Fn::GetAtt`` attribute of ``attributes`` is read from the instance attribute it maps
    to. A model is ``class M(resource_model_base(...), CloudFormationModel)`` plus its create/update/delete: moto
    finds models among the *direct* subclasses of ``CloudFormationModel``, so this base must not be one."""
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    readable = dict(attributes or {})

    class ResourceModel:
        physical_id: str

        @property
        def physical_resource_id(self) -> str:
            return str(self.physical_id)

        @staticmethod
        def cloudformation_name_type() -> str:
            return name_property

        @staticmethod
        def cloudformation_type() -> str:
            return type_name

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in readable

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name not in readable:
                raise UnformattedGetAttTemplateException()
            return str(getattr(self, readable[attribute_name]))

        def is_created(self) -> bool:
            return True

    return ResourceModel


def complete_create(model_class: type[Any], mark: str, after: AfterCreate, *, also_on_update: bool = False) -> None:
    """Run ``after`` once moto's own ``create_from_cloudformation_json`` of ``model_class`` has created the
    resource (and after its update too with ``also_on_update``), so properties moto ignores take effect. Idempotent:
    ``mark`` is set on the class once it is patched."""
    if getattr(model_class, mark, False):
        return
    original_create = model_class.create_from_cloudformation_json
    original_update = model_class.update_from_cloudformation_json

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        created = original_create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        after(created, cloudformation_json.get("Properties", {}), account_id, region_name)
        return created

    def update_from_cloudformation_json(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        updated = original_update(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        after(updated, cloudformation_json.get("Properties", {}), account_id, region_name)
        return updated

    model_class.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    if also_on_update:
        model_class.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
    setattr(model_class, mark, True)
