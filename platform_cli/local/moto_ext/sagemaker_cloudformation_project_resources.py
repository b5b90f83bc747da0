"""``AWS::SageMaker::ModelPackageGroup`` and ``AWS::SageMaker::CodeRepository`` in CloudFormation, which moto 5.2.5
skips (it logs "No Moto CloudFormation support" and creates nothing), so a project stack lacked the group its
pipeline registers into. Also DescribeCodeRepository/ListCodeRepositories/CreateCodeRepository/
DeleteCodeRepository, which moto lacks, so the repositories a project stack links into Studio can be read back.

The group is created, tagged and deleted through moto's SageMaker backend as CreateModelPackageGroup would; a
code repository lives in the extension state of the SageMaker backend (dropped by moto's reset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from platform_cli.local.moto_ext._after_import import after_import
from platform_cli.local.moto_ext._cloudformation import Created, define_resource_model, refresh_model_lookups
from platform_cli.local.moto_ext._support import ServiceError, add_action, state

_registered: list[type[Any]] = []


@dataclass
class CodeRepository:
    name: str
    arn: str
    git_config: dict[str, Any]
    created: datetime = field(default_factory=datetime.now)

    def describe(self) -> dict[str, Any]:
        return {
            "CodeRepositoryName": self.name,
            "CodeRepositoryArn": self.arn,
            "CreationTime": self.created,
            "LastModifiedTime": self.created,
            "GitConfig": self.git_config,
        }


def _sagemaker(account_id: str, region_name: str) -> Any:
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account_id][region_name]


def repositories(backend: Any) -> dict[str, CodeRepository]:
    return state(backend, "code_repositories", dict)


def create_code_repository(backend: Any, name: str, git_config: dict[str, Any]) -> CodeRepository:
    if name in repositories(backend):
        raise ServiceError("ValidationException", f"Cannot create already existing code repository {name}.")
    arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:code-repository/{name.lower()}"
    repository = CodeRepository(name, arn, dict(git_config))
    repositories(backend)[name] = repository
    return repository


def _found(backend: Any, name: str) -> CodeRepository:
    repository = repositories(backend).get(name)
    if repository is None:
        raise ServiceError("ValidationException", f"Cannot find code repository {name}.")
    return repository


def _create(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name, config = self._get_param("CodeRepositoryName"), self._get_param("GitConfig") or {}
    return ActionResult({"CodeRepositoryArn": create_code_repository(self.sagemaker_backend, name, config).arn})


def _describe(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(_found(self.sagemaker_backend, self._get_param("CodeRepositoryName")).describe())


def _delete(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    repositories(self.sagemaker_backend).pop(_found(self.sagemaker_backend, self._get_param("CodeRepositoryName")).name)
    return EmptyResult()


def _list(self: Any) -> Any:
    from moto.core.responses import ActionResult

    summaries = [r.describe() for r in sorted(repositories(self.sagemaker_backend).values(), key=lambda r: r.name)]
    return ActionResult({"CodeRepositorySummaryList": summaries})


def _create_group(resource_name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    name = str(properties.get("ModelPackageGroupName") or resource_name)
    arn = _sagemaker(account_id, region_name).create_model_package_group(
        model_package_group_name=name,
        model_package_group_description=properties.get("ModelPackageGroupDescription", ""),
        tags=properties.get("Tags") or [],
    )
    # Ref of AWS::SageMaker::ModelPackageGroup is its ARN
    return Created(physical_id=arn, attributes={"ModelPackageGroupArn": arn, "ModelPackageGroupName": name})


def _delete_group(arn: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    name = str(arn).rsplit("/", 1)[-1]
    groups = _sagemaker(account_id, region_name).model_package_groups
    for key in list(groups):
        if key.lower() == name.lower():
            del groups[key]


def _create_repository(resource_name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    name = str(properties.get("CodeRepositoryName") or resource_name)
    create_code_repository(_sagemaker(account_id, region_name), name, properties.get("GitConfig") or {})
    return Created(physical_id=name, attributes={"CodeRepositoryName": name})


def _update_repository(original: Created, properties: dict[str, Any], account_id: str, region_name: str) -> Created:
    repositories(_sagemaker(account_id, region_name)).pop(original.physical_id, None)
    return _create_repository(original.physical_id, properties, account_id, region_name)


def _delete_repository(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    repositories(_sagemaker(account_id, region_name)).pop(name, None)


def models() -> list[type[Any]]:
    """The two CloudFormation models (defined lazily, once moto's CloudFormation is loaded)."""
    if not _registered:
        group = define_resource_model(
            "AWS::SageMaker::ModelPackageGroup",
            create=_create_group,
            delete=_delete_group,
            name_property="ModelPackageGroupName",
            attribute_names=("ModelPackageGroupArn", "ModelPackageGroupName"),
        )
        repository = define_resource_model(
            "AWS::SageMaker::CodeRepository",
            create=_create_repository,
            update=_update_repository,
            delete=_delete_repository,
            name_property="CodeRepositoryName",
            attribute_names=("CodeRepositoryName",),
        )
        _registered.extend([group, repository])
    return _registered


def register() -> None:
    from moto.sagemaker.responses import SageMakerResponse

    add_action(SageMakerResponse, "create_code_repository", _create)
    add_action(SageMakerResponse, "describe_code_repository", _describe)
    add_action(SageMakerResponse, "delete_code_repository", _delete)
    add_action(SageMakerResponse, "list_code_repositories", _list)
    after_import("moto.cloudformation.parsing", _patch)


def _patch() -> None:
    models()
    refresh_model_lookups()
