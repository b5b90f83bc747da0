"""Bring your own container (issue 17 item 1): the option adds the container-build repository and its variables."""

from __future__ import annotations

import pytest

from platform_cli.config import TemplateKind
from platform_cli.provisioning.desired import desired_repos, ecr_registry
from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.provisioning.request import parse_request
from tests.provisioning.factories import ACCOUNTS, request_data

REPOSITORY = "mlops/p-abc123def456"


def _byoc(kind: TemplateKind = TemplateKind.BUILD_DEPLOY_REALTIME) -> list:  # type: ignore[type-arg]
    return desired_repos(parse_request(request_data(kind, container_repository=REPOSITORY)))


def test_without_the_option_no_container_repository_is_created() -> None:
    repos = desired_repos(parse_request(request_data()))
    assert [repo.part for repo in repos] == ["build", "deploy"]
    assert all("CONTAINER_REPOSITORY_URI" not in repo.variables for repo in repos)


@pytest.mark.parametrize("kind", [TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH])
def test_the_option_adds_the_container_repository_from_the_container_build_template(kind: TemplateKind) -> None:
    container = _byoc(kind)[-1]
    assert (container.part, container.template_repo) == ("container", "container-build")
    assert container.name == "churn-p-abc123def456-container"


def test_the_container_repository_gets_the_ecr_repository_name_and_each_accounts_registry() -> None:
    container = _byoc()[-1]
    # SAGEMAKER_PROJECT_ID: the role session name its workflow must give (lambdas/project_trust.py)
    assert container.variables == {"SAGEMAKER_PROJECT_ID": "p-abc123def456", "CONTAINER_REPOSITORY_NAME": REPOSITORY}
    registries = {env.name: env.variables["CONTAINER_REGISTRY"] for env in container.environments}
    assert registries == {env: f"{account}.dkr.ecr.eu-west-1.amazonaws.com" for env, account in ACCOUNTS.items()}


def test_the_container_repository_pushes_with_the_build_role_in_dev_and_the_deploy_role_after() -> None:
    roles = {env.name: env.role_arn for env in _byoc()[-1].environments}
    assert roles["dev"].endswith(":role/mlops-github-build")
    assert roles["preprod"].endswith(":role/mlops-github-deploy") and roles["prod"].endswith(
        ":role/mlops-github-deploy"
    )


def test_preprod_and_prod_pushes_wait_for_a_reviewer() -> None:
    reviewed = {env.name: env.reviewer_team for env in _byoc()[-1].environments}
    assert reviewed == {"dev": None, "preprod": "ml-reviewers", "prod": "ml-reviewers"}


def test_the_build_repository_gets_the_dev_image_repository_uri() -> None:
    build = _byoc()[0]
    assert build.variables["CONTAINER_REPOSITORY_URI"] == f"111111111111.dkr.ecr.eu-west-1.amazonaws.com/{REPOSITORY}"


def test_the_deploy_repository_gets_no_container_variable() -> None:
    deploy = _byoc()[1]
    assert not any(name.startswith("CONTAINER_") for name in deploy.variables)


def test_a_kind_that_does_not_offer_the_option_is_refused_by_name() -> None:
    with pytest.raises(InvalidRequestError, match="single-account-training does not offer bring_your_own_container"):
        parse_request(request_data(TemplateKind.SINGLE_ACCOUNT_TRAINING, container_repository=REPOSITORY))


def test_an_invalid_ecr_repository_name_is_refused_by_field() -> None:
    with pytest.raises(InvalidRequestError, match="container_repository"):
        parse_request(request_data(container_repository="Mlops/P-ABC"))


def test_the_china_regions_registry_domain_is_amazonaws_com_cn() -> None:
    assert ecr_registry("111111111111", "cn-north-1") == "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn"
