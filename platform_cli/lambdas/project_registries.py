"""Bring your own container (issue 17 item 1): the project's ECR repository in preprod and prod.

The project stack creates the dev repository (``ContainerRepository`` in the project template). CloudFormation in
dev cannot create resources in the other accounts, so the provisioning creates the preprod and prod repositories,
the same name in each, through ``<prefix>-project-registry`` there (base infrastructure), which only the
provisioning Lambda's role may assume and which may only create and converge ``<prefix>/p-*`` repositories: scan
on push, immutable tags, the same lifecycle policy as dev. Creating is idempotent; an existing repository is
converged to those settings. An account whose base infrastructure is not applied yet is skipped and named (the
container-build workflow then fails there, closed); updating the project later creates it.

Images are encrypted with the account's artifacts key (``alias/<prefix>/artifacts``, base infrastructure's kms
module), as dev's repository is with its ``ArtifactsKeyArn``; ECR takes grants on it when it creates the repository,
so ``<prefix>-project-registry`` may only describe it and create grants through ECR. ECR cannot change a
repository's encryption afterwards: a repository made before keeps the encryption it has.

When the project is deleted, or updated with the option turned off, the repositories follow the project's
repository delete policy, as its GitHub repositories do: ``delete`` deletes them (with their images); ``archive``
and ``retain`` keep them (registered model packages may still name their images).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from platform_cli.lambdas.exceptions import LambdaError
from platform_cli.provisioning.container import CONTAINER_LIFECYCLE_POLICY, IMAGE_TAG_MUTABILITY, SCAN_ON_PUSH

EcrForAccount = Callable[[str], Any]
KMS_PURPOSE = "artifacts"  # base-infrastructure modules/kms: one key per purpose, alias/<prefix>/<purpose>
_NOT_READY_CODES = frozenset({"AccessDenied", "AccessDeniedException", "NoSuchEntity"})


class RegistryError(LambdaError):
    """A project's ECR repository could not be created or converged."""


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__)


def artifacts_key_alias(naming_prefix: str) -> str:
    """The alias of the artifacts key in each account (ECR resolves it in the account the repository is made in)."""
    return f"alias/{naming_prefix}/{KMS_PURPOSE}"


def dropped_repository(old_properties: Mapping[str, Any], properties: Mapping[str, Any]) -> str | None:
    """The container repository an update turned off (or renamed away from), if any."""
    old = str(old_properties.get("ContainerRepository") or "")
    return old if old and old != str(properties.get("ContainerRepository") or "") else None


@dataclass
class RegistryMaintainer:
    """Creates (or converges) one project's ECR repository in each account it is given, encrypted with ``kms_key``
    (:func:`artifacts_key_alias`); removes it as the project's delete policy says."""

    ecr_for_account: EcrForAccount
    kms_key: str

    def ensure(self, repository: str, accounts: Mapping[str, str], tags: Mapping[str, str]) -> list[str]:
        """Make ``repository`` in each ``{environment: account}``; what was skipped (accounts not ready)."""
        skipped: list[str] = []
        for environment, account in accounts.items():
            try:
                ecr = self.ecr_for_account(account)
            except Exception as error:
                if _code(error) in _NOT_READY_CODES:
                    skipped.append(
                        f"ECR repository {repository} in {environment} ({account}) not created: "
                        f"<prefix>-project-registry is not there ({_code(error)}); apply base-infrastructure in that "
                        "account, then update the project"
                    )
                    continue
                raise RegistryError(
                    f"cannot reach account {account} ({environment}) to create {repository} ({_code(error)})"
                ) from None
            try:
                self._converge(ecr, repository, tags)
            except Exception as error:
                if _code(error) in _NOT_READY_CODES:
                    # AWS answers AccessDenied to a session of a role it cannot find: not applied there yet.
                    skipped.append(
                        f"ECR repository {repository} in {environment} ({account}) not created: "
                        f"<prefix>-project-registry there may not create it ({_code(error)}); "
                        "apply base-infrastructure in that account, then update the project"
                    )
                    continue
                raise RegistryError(
                    f"cannot create ECR repository {repository} in {environment} ({account}): {_code(error)}; "
                    "check <prefix>-project-registry there is applied from the current base-infrastructure"
                ) from None
        return skipped

    def remove(self, repository: str, accounts: Mapping[str, str], delete_policy: str) -> list[str]:
        """Apply the project's delete policy to ``repository`` in each account: ``delete`` deletes it and its
        images (a missing one is fine); ``archive`` and ``retain`` keep it. Returns what could not be reached."""
        if delete_policy != "delete":
            return []
        skipped: list[str] = []
        for environment, account in accounts.items():
            try:
                self.ecr_for_account(account).delete_repository(repositoryName=repository, force=True)
            except Exception as error:
                if _code(error) == "RepositoryNotFoundException":
                    continue  # never made there, or already deleted
                if _code(error) in _NOT_READY_CODES:
                    skipped.append(
                        f"ECR repository {repository} in {environment} ({account}) not deleted: "
                        f"<prefix>-project-registry there may not delete it ({_code(error)}); delete it by hand or "
                        "apply base-infrastructure in that account"
                    )
                    continue
                raise RegistryError(
                    f"cannot delete ECR repository {repository} in {environment} ({account}): {_code(error)}"
                ) from None
        return skipped

    def _converge(self, ecr: Any, repository: str, tags: Mapping[str, str]) -> None:
        try:
            ecr.create_repository(
                repositoryName=repository,
                imageTagMutability=IMAGE_TAG_MUTABILITY,
                imageScanningConfiguration={"scanOnPush": SCAN_ON_PUSH},
                encryptionConfiguration={"encryptionType": "KMS", "kmsKey": self.kms_key},
                tags=[{"Key": key, "Value": value} for key, value in sorted(tags.items())],
            )
        except ecr.exceptions.RepositoryAlreadyExistsException:
            ecr.put_image_tag_mutability(repositoryName=repository, imageTagMutability=IMAGE_TAG_MUTABILITY)
            ecr.put_image_scanning_configuration(
                repositoryName=repository, imageScanningConfiguration={"scanOnPush": SCAN_ON_PUSH}
            )
        ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=json.dumps(CONTAINER_LIFECYCLE_POLICY))


def assume_into_accounts(
    sts: Any, make_ecr: Callable[[Mapping[str, str]], Any], role_name: str, partition: str = "aws"
) -> EcrForAccount:
    """An ``EcrForAccount`` that assumes ``role_name`` (the account's ``<prefix>-project-registry``)."""

    def ecr_for(account: str) -> Any:
        credentials = sts.assume_role(
            RoleArn=f"arn:{partition}:iam::{account}:role/{role_name}", RoleSessionName="project-registry"
        )["Credentials"]
        return make_ecr(
            {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        )

    return ecr_for
