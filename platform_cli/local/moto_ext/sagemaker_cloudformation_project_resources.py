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
from platform_cli.local.moto_ext._cloudformation import refresh_model_lookups, resource_model_base
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


def models() -> list[type[Any]]:
    """The two CloudFormation models (defined lazily, once moto's CloudFormation is loaded)."""
    if _registered:
        return _registered
    from moto.core.common_models import CloudFormationModel

    group_base = resource_model_base(
        "AWS::SageMaker::ModelPackageGroup",
        name_property="ModelPackageGroupName",
        attributes={"ModelPackageGroupArn": "arn", "ModelPackageGroupName": "name"},
    )
    repository_base = resource_model_base(
        "AWS::SageMaker::CodeRepository", name_property="CodeRepositoryName", attributes={"CodeRepositoryName": "name"}
    )

    class ModelPackageGroupResource(group_base, CloudFormationModel):  # type: ignore[valid-type,misc]
        def __init__(self, name: str, arn: str) -> None:
            self.name = name
            self.arn = self.physical_id = arn  # Ref of AWS::SageMaker::ModelPackageGroup is its ARN

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kw: Any
        ) -> ModelPackageGroupResource:
            properties = cloudformation_json.get("Properties", {})
            name = str(properties.get("ModelPackageGroupName") or resource_name)
            arn = _sagemaker(account_id, region_name).create_model_package_group(
                model_package_group_name=name,
                model_package_group_description=properties.get("ModelPackageGroupDescription", ""),
                tags=properties.get("Tags") or [],
            )
            return cls(name, arn)

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> ModelPackageGroupResource:
            return original_resource  # type: ignore[no-any-return]

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            name = str(resource_name).rsplit("/", 1)[-1]
            groups = _sagemaker(account_id, region_name).model_package_groups
            for key in list(groups):
                if key.lower() == name.lower():
                    del groups[key]

    class CodeRepositoryResource(repository_base, CloudFormationModel):  # type: ignore[valid-type,misc]
        def __init__(self, name: str) -> None:
            self.name = self.physical_id = name

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kw: Any
        ) -> CodeRepositoryResource:
            properties = cloudformation_json.get("Properties", {})
            name = str(properties.get("CodeRepositoryName") or resource_name)
            create_code_repository(_sagemaker(account_id, region_name), name, properties.get("GitConfig") or {})
            return cls(name)

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> CodeRepositoryResource:
            backend = _sagemaker(account_id, region_name)
            repositories(backend).pop(original_resource.name, None)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            repositories(_sagemaker(account_id, region_name)).pop(resource_name, None)

    _registered.extend([ModelPackageGroupResource, CodeRepositoryResource])
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
