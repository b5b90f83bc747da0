"""SageMaker Studio user profiles: Create/Describe/Update/Delete/ListUserProfiles, missing from moto 5.2.5.

Profiles belong to a domain (``ResourceNotFound`` when it does not exist), are ``InService`` at once, carry tags
reachable through ``AddTags``/``ListTags``/``DeleteTags`` by their ARN
(``arn:aws:sagemaker:<region>:<account>:user-profile/<domain id>/<name>``; see ``sagemaker_tags``), and block
their domain's deletion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from platform_cli.local.moto_ext._sagemaker import find_domain
from platform_cli.local.moto_ext._support import add_action, state


@dataclass
class UserProfile:
    domain_id: str
    name: str
    arn: str
    user_settings: dict[str, Any] | None
    tags: list[dict[str, str]]
    single_sign_on_user_identifier: str | None = None
    single_sign_on_user_value: str | None = None
    home_efs_file_system_uid: str = "200001"
    status: str = "InService"
    creation_time: datetime = field(default_factory=utcnow)
    last_modified_time: datetime = field(default_factory=utcnow)

    def describe(self) -> dict[str, Any]:
        description = {
            "DomainId": self.domain_id,
            "UserProfileArn": self.arn,
            "UserProfileName": self.name,
            "HomeEfsFileSystemUid": self.home_efs_file_system_uid,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "UserSettings": self.user_settings,
            "SingleSignOnUserIdentifier": self.single_sign_on_user_identifier,
            "SingleSignOnUserValue": self.single_sign_on_user_value,
        }
        return {key: value for key, value in description.items() if value is not None}

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.name,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }


def _profiles(backend: Any) -> dict[tuple[str, str], UserProfile]:
    return state(backend, "user_profiles", dict)


def profiles_of(backend: Any, domain_id: str) -> list[UserProfile]:
    """The user profiles of one domain."""
    return [profile for (domain, _), profile in _profiles(backend).items() if domain == domain_id]


def find_profile(backend: Any, domain_id: str, name: str) -> UserProfile:
    profile = _profiles(backend).get((domain_id, name))
    if profile is None:
        arn = arn_formatter("user-profile", f"{domain_id}/{name}", backend.account_id, backend.region_name)
        raise ResourceNotFound(message=f"User profile {arn} does not exist.")
    return profile


def _create_user_profile(self: Any) -> ActionResult:
    backend = self.sagemaker_backend
    domain_id = self._get_param("DomainId")
    name = self._get_param("UserProfileName")
    find_domain(backend, domain_id)
    if (domain_id, name) in _profiles(backend):
        raise ResourceInUseException(message=f"User profile {name} already exists in domain {domain_id}.")
    profile = UserProfile(
        domain_id=domain_id,
        name=name,
        arn=arn_formatter("user-profile", f"{domain_id}/{name}", backend.account_id, backend.region_name),
        user_settings=self._get_param("UserSettings"),
        tags=list(self._get_param("Tags") or []),
        single_sign_on_user_identifier=self._get_param("SingleSignOnUserIdentifier"),
        single_sign_on_user_value=self._get_param("SingleSignOnUserValue"),
    )
    _profiles(backend)[(domain_id, name)] = profile
    return ActionResult({"UserProfileArn": profile.arn})


def _describe_user_profile(self: Any) -> ActionResult:
    profile = find_profile(self.sagemaker_backend, self._get_param("DomainId"), self._get_param("UserProfileName"))
    return ActionResult(profile.describe())


def _update_user_profile(self: Any) -> ActionResult:
    profile = find_profile(self.sagemaker_backend, self._get_param("DomainId"), self._get_param("UserProfileName"))
    if (settings := self._get_param("UserSettings")) is not None:
        profile.user_settings = settings
    profile.last_modified_time = utcnow()
    return ActionResult({"UserProfileArn": profile.arn})


def _delete_user_profile(self: Any) -> EmptyResult:
    backend = self.sagemaker_backend
    profile = find_profile(backend, self._get_param("DomainId"), self._get_param("UserProfileName"))
    del _profiles(backend)[(profile.domain_id, profile.name)]
    return EmptyResult()


def _list_user_profiles(self: Any) -> ActionResult:
    domain_id = self._get_param("DomainIdEquals")
    contains = self._get_param("UserProfileNameContains")
    profiles = [
        profile
        for profile in _profiles(self.sagemaker_backend).values()
        if (domain_id is None or profile.domain_id == domain_id) and (contains is None or contains in profile.name)
    ]
    key = (lambda p: p.name) if self._get_param("SortBy") == "UserProfileName" else (lambda p: p.creation_time)
    profiles.sort(key=key, reverse=self._get_param("SortOrder", "Descending") == "Descending")
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 100)
    page = profiles[start : start + size]
    result: dict[str, Any] = {"UserProfiles": [profile.summary() for profile in page]}
    if start + size < len(profiles):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def register() -> None:
    add_action(SageMakerResponse, "create_user_profile", _create_user_profile)
    add_action(SageMakerResponse, "describe_user_profile", _describe_user_profile)
    add_action(SageMakerResponse, "update_user_profile", _update_user_profile)
    add_action(SageMakerResponse, "delete_user_profile", _delete_user_profile)
    add_action(SageMakerResponse, "list_user_profiles", _list_user_profiles)
