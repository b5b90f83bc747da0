"""Bring your own container (issue 17 item 1): the provisioning creates the project's ECR repository in preprod and
prod (the project stack creates dev's), through <prefix>-project-registry there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from platform_cli.lambdas.project_registries import (
    RegistryError,
    RegistryMaintainer,
    artifacts_key_alias,
    assume_into_accounts,
)
from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
from platform_cli.provisioning.container import CONTAINER_LIFECYCLE_POLICY
from tests.lambdas.conftest import SETTINGS, FakeContext, event, properties
from tests.lambdas.test_project_repos_state_machine import FakeReconciler

REPOSITORY = "mlops/p-abc123def456"
DEPLOY_ACCOUNTS = {"preprod": "222222222222", "prod": "333333333333"}
TAGS = {"mlops:project-id": "p-abc123def456"}
KMS_KEY = artifacts_key_alias("mlops")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        yield


def _maintainer() -> RegistryMaintainer:
    """As the Lambda builds it: assume <prefix>-project-registry in each account (local AWS keeps accounts apart)."""
    return RegistryMaintainer(
        assume_into_accounts(boto3.client("sts"), lambda keys: boto3.client("ecr", **keys), "mlops-project-registry"),
        kms_key=KMS_KEY,
    )


def _ecr(account: str) -> Any:
    credentials = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/mlops-project-registry", RoleSessionName="check"
    )["Credentials"]
    return boto3.client(
        "ecr",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_the_repository_is_created_in_preprod_and_prod_with_scan_on_push_and_immutable_tags(aws: None) -> None:
    assert _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS) == []
    for account in DEPLOY_ACCOUNTS.values():
        (repository,) = _ecr(account).describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
        assert repository["registryId"] == account
        assert repository["imageTagMutability"] == "IMMUTABLE"
        assert repository["imageScanningConfiguration"] == {"scanOnPush": True}


def test_the_repository_gets_the_same_lifecycle_policy_as_devs(aws: None) -> None:
    _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS)
    policy = _ecr("333333333333").get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"]
    assert json.loads(policy) == CONTAINER_LIFECYCLE_POLICY


def test_an_existing_repository_is_converged_not_refused(aws: None) -> None:
    _ecr("222222222222").create_repository(repositoryName=REPOSITORY, imageTagMutability="MUTABLE")
    assert _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS) == []
    (repository,) = _ecr("222222222222").describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
    assert (repository["imageTagMutability"], repository["imageScanningConfiguration"]) == (
        "IMMUTABLE",
        {"scanOnPush": True},
    )


def _denied(account: str) -> Any:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "AssumeRole")


def test_an_account_without_the_registry_role_is_skipped_and_named(aws: None) -> None:
    skipped = RegistryMaintainer(_denied, KMS_KEY).ensure(REPOSITORY, {"prod": "333333333333"}, TAGS)
    assert skipped == [
        f"ECR repository {REPOSITORY} in prod (333333333333) not created: <prefix>-project-registry is not there "
        "(AccessDenied); apply base-infrastructure in that account, then update the project"
    ]


def test_a_refused_create_fails_with_one_line_naming_the_account() -> None:
    class Refusing:
        class exceptions:  # noqa: N801 (boto3's shape)
            class RepositoryAlreadyExistsException(Exception):  # noqa: N818 (boto3's name)
                pass

        def create_repository(self, **_: Any) -> None:
            raise ClientError({"Error": {"Code": "LimitExceededException", "Message": "too many"}}, "CreateRepository")

    with pytest.raises(RegistryError, match=r"in prod \(333333333333\): LimitExceededException"):
        RegistryMaintainer(lambda account: Refusing(), KMS_KEY).ensure(REPOSITORY, {"prod": "333333333333"}, TAGS)


class RecordingRegistries(RegistryMaintainer):
    def __init__(self) -> None:
        super().__init__(lambda account: None, KMS_KEY)
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.removed: list[tuple[str, dict[str, str], str]] = []

    def ensure(self, repository: str, accounts: Any, tags: Any) -> list[str]:
        self.calls.append((repository, dict(accounts)))
        return []

    def remove(self, repository: str, accounts: Any, delete_policy: str) -> list[str]:
        self.removed.append((repository, dict(accounts), delete_policy))
        return []


def _create(props: dict[str, Any], request_type: str = "Create", **extra: Any) -> RecordingRegistries:
    registries = RecordingRegistries()
    sent: list[dict[str, Any]] = []
    resource = ProjectReposResource(
        Dependencies(
            settings=SETTINGS,
            github=lambda deadline: None,  # type: ignore[arg-type,return-value]
            send=lambda url, body: sent.append(json.loads(body)),
            reconciler=lambda github, deadline, settings: FakeReconciler(),  # type: ignore[arg-type,return-value]
            registries=registries,
        )
    )
    resource(event(request_type, props, **extra), FakeContext(60_000))
    assert sent[0]["Status"] == "SUCCESS", sent[0]["Reason"]
    return registries


def test_the_custom_resource_creates_the_preprod_and_prod_repositories_when_the_option_is_on() -> None:
    registries = _create(properties(ContainerRepository=REPOSITORY))
    assert registries.calls == [(REPOSITORY, DEPLOY_ACCOUNTS)]


def test_the_custom_resource_creates_no_repository_when_the_option_is_off() -> None:
    assert _create(properties(ContainerRepository="")).calls == []


def test_the_registry_role_the_lambda_assumes_is_the_one_base_infrastructure_creates_and_lets_it_assume() -> None:
    from tests.base_infrastructure import tf_policies

    deploy_targets = tf_policies.terraform_file("deploy_targets").read_text()
    registry = deploy_targets.split('resource "aws_iam_role" "project_registry"')[1]
    assert f'name        = "${{var.name_prefix}}-{SETTINGS.registry_role.removeprefix("mlops-")}"' in registry
    assert 'role/${var.name_prefix}-project-repos"' in deploy_targets  # only the provisioning Lambda is trusted
    lambdas = tf_policies.terraform_file("project_lambdas").read_text()
    assert 'role/${var.name_prefix}-project-registry"' in lambdas


def test_the_registry_role_allows_every_call_the_lambda_makes_and_nothing_else() -> None:
    from tests.base_infrastructure import tf_policies

    text = tf_policies.terraform_file("deploy_targets").read_text()
    policy = text.split('resource "aws_iam_role_policy" "project_registry"')[1]
    granted = set(re.findall(r'"(ecr:\w+)"', policy))
    # what RegistryMaintainer calls: create (with tags), converge, and the lifecycle policy
    called = {
        "ecr:CreateRepository", "ecr:TagResource", "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration",
        "ecr:PutLifecyclePolicy",
    }  # fmt: skip
    assert called | {"ecr:DeleteRepository"} <= granted  # delete: only as the project's delete policy says
    assert not {"ecr:SetRepositoryPolicy", "ecr:PutImage", "ecr:BatchGetImage", "ecr:BatchDeleteImage"} & granted


def test_an_account_whose_registry_role_may_not_create_is_skipped_and_named() -> None:
    """AWS answers AccessDenied to a session of a role it cannot find (base infrastructure not applied there)."""

    class Denying:
        class exceptions:  # noqa: N801 (boto3's shape)
            class RepositoryAlreadyExistsException(Exception):  # noqa: N818 (boto3's name)
                pass

        def create_repository(self, **_: Any) -> None:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, "CreateRepository")

    skipped = RegistryMaintainer(lambda account: Denying(), KMS_KEY).ensure(
        REPOSITORY, {"preprod": "222222222222"}, TAGS
    )
    assert skipped == [
        f"ECR repository {REPOSITORY} in preprod (222222222222) not created: <prefix>-project-registry there may not "
        "create it (AccessDeniedException); apply base-infrastructure in that account, then update the project"
    ]


# --- encryption with the account's artifacts key ---------------------------------------------------------------


def test_the_repository_is_encrypted_with_the_accounts_artifacts_key(aws: None) -> None:
    _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS)
    for account in DEPLOY_ACCOUNTS.values():
        (repository,) = _ecr(account).describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
        assert repository["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": "alias/mlops/artifacts"}


def test_the_key_alias_the_lambda_names_is_the_one_the_kms_module_makes_in_every_account() -> None:
    """Producer (modules/kms: alias/<prefix>/<purpose> for each purpose, artifacts always among them) and consumer
    (artifacts_key_alias, as the Lambda builds it from MLOPS_NAMING_PREFIX)."""
    from tests.base_infrastructure import tf_policies

    kms = tf_policies.terraform_file("kms").read_text()
    assert 'name          = "alias/${var.name_prefix}/${each.key}"' in kms
    assert 'contains(var.purposes, "artifacts")' in tf_policies.terraform_file("kms", "variables.tf").read_text()
    assert artifacts_key_alias("acme") == "alias/acme/artifacts"


def _registry_policy() -> list[dict[str, Any]]:
    from tests.base_infrastructure.harness import REPO
    from tests.base_infrastructure.terraform_policy import policy_statements

    values = {
        "local.partition": "aws",
        "local.region": "eu-west-1",
        "local.project_repositories": "arn:aws:ecr:eu-west-1:333333333333:repository/mlops/p-????????????",
        "var.artifacts_kms_key_arn": ARTIFACTS_KEY,
    }
    path = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
    return [{"Statement": policy_statements(path, "aws_iam_role_policy", "project_registry", values)}]


ARTIFACTS_KEY = "arn:aws:kms:eu-west-1:333333333333:key/0000aaaa-artifacts"
THROUGH_ECR = {"kms:ViaService": "ecr.eu-west-1.amazonaws.com"}


def test_the_registry_role_lets_ecr_describe_the_artifacts_key_and_take_grants_on_it() -> None:
    from tests.bootstrap.policy_eval import is_allowed

    policy = _registry_policy()
    assert is_allowed(policy, None, "kms:DescribeKey", ARTIFACTS_KEY, THROUGH_ECR)
    grant = {**THROUGH_ECR, "kms:GrantIsForAWSResource": "true"}
    assert is_allowed(policy, None, "kms:CreateGrant", ARTIFACTS_KEY, grant)


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        ("kms:CreateGrant", ARTIFACTS_KEY, {"kms:GrantIsForAWSResource": "true"}),  # not through ECR
        ("kms:CreateGrant", ARTIFACTS_KEY, THROUGH_ECR),  # a grant for a principal, not for ECR's resource
        ("kms:Decrypt", ARTIFACTS_KEY, THROUGH_ECR),
        ("kms:DescribeKey", "arn:aws:kms:eu-west-1:333333333333:key/other", THROUGH_ECR),
    ],
)
def test_the_registry_role_does_nothing_else_with_keys(action: str, resource: str, context: dict[str, str]) -> None:
    from tests.bootstrap.policy_eval import is_allowed

    assert not is_allowed(_registry_policy(), None, action, resource, context)


# --- the project's delete policy -----------------------------------------------------------------------------


def test_delete_policy_delete_deletes_the_repositories_with_their_images(aws: None) -> None:
    _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS)
    assert _maintainer().remove(REPOSITORY, DEPLOY_ACCOUNTS, "delete") == []
    for account in DEPLOY_ACCOUNTS.values():
        with pytest.raises(ClientError, match="RepositoryNotFoundException"):
            _ecr(account).describe_repositories(repositoryNames=[REPOSITORY])
    assert _maintainer().remove(REPOSITORY, DEPLOY_ACCOUNTS, "delete") == []  # again: nothing left, no error


@pytest.mark.parametrize("policy", ["archive", "retain"])
def test_delete_policies_archive_and_retain_keep_the_repositories(aws: None, policy: str) -> None:
    _maintainer().ensure(REPOSITORY, DEPLOY_ACCOUNTS, TAGS)
    assert _maintainer().remove(REPOSITORY, DEPLOY_ACCOUNTS, policy) == []
    for account in DEPLOY_ACCOUNTS.values():
        assert _ecr(account).describe_repositories(repositoryNames=[REPOSITORY])["repositories"]


@pytest.mark.parametrize("policy", ["delete", "retain"])
def test_deleting_the_project_applies_its_delete_policy_to_the_repositories(policy: str) -> None:
    props = properties(ContainerRepository=REPOSITORY, DeletePolicy=policy)
    registries = _create(props, "Delete", PhysicalResourceId="acme/churn-p-abc123def456")
    assert registries.removed == [(REPOSITORY, DEPLOY_ACCOUNTS, policy)]


@pytest.mark.parametrize("policy", ["delete", "archive"])
def test_turning_the_option_off_applies_the_delete_policy_to_the_repositories(policy: str) -> None:
    old = properties(ContainerRepository=REPOSITORY, DeletePolicy=policy)
    registries = _create(
        properties(ContainerRepository="", DeletePolicy=policy),
        "Update",
        OldResourceProperties=old,
        PhysicalResourceId="acme/churn-p-abc123def456",
    )
    assert registries.calls == [] and registries.removed == [(REPOSITORY, DEPLOY_ACCOUNTS, policy)]


def test_an_update_that_keeps_the_option_removes_nothing() -> None:
    props = properties(ContainerRepository=REPOSITORY, DeletePolicy="delete")
    registries = _create(props, "Update", OldResourceProperties=props, PhysicalResourceId="acme/churn-p-abc123def456")
    assert registries.removed == [] and registries.calls == [(REPOSITORY, DEPLOY_ACCOUNTS)]
