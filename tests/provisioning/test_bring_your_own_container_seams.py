"""Bring your own container (issue 17 item 1): the names the project template, the CLI, the Lambda and the
container-build workflow hand each other, held together."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from platform_cli.config import TemplateKind, parse_config
from platform_cli.lambdas.properties import KNOWN
from platform_cli.project_templates.properties import BYOC_PARAMETER, container_repository_name, template_properties
from platform_cli.provisioning.container import CONTAINER_LIFECYCLE_POLICY
from platform_cli.provisioning.contract import load_contract
from tests.provisioning.test_project_templates import load

OFFERING = [TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH]
CONFIG = parse_config(
    {
        "naming_prefix": "mlops",
        "github": {"org": "acme", "auth": "pat"},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
        "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
    }
)


def _repository(kind: TemplateKind) -> dict[str, Any]:
    resource: dict[str, Any] = load(kind)["Resources"]["ContainerRepository"]
    return resource


def test_the_kinds_with_the_studio_parameter_are_the_kinds_the_contract_offers_the_option_to() -> None:
    offering = {kind for kind in TemplateKind if BYOC_PARAMETER in load(kind)["Parameters"]}
    assert offering == set(load_contract().options["bring_your_own_container"].kinds) == set(OFFERING)


@pytest.mark.parametrize("kind", OFFERING)
def test_the_option_is_off_by_default_in_studio(kind: TemplateKind) -> None:
    assert load(kind)["Parameters"][BYOC_PARAMETER]["Default"] == "false"


@pytest.mark.parametrize("kind", OFFERING)
def test_the_template_names_the_repository_as_the_cli_does(kind: TemplateKind) -> None:
    name = _repository(kind)["Properties"]["RepositoryName"]["Sub"]
    assert name.replace("${NamingPrefix}", "mlops").replace("${SageMakerProjectId}", "p-abc123def456") == (
        container_repository_name("mlops", "p-abc123def456")
    )


@pytest.mark.parametrize("kind", OFFERING)
def test_the_custom_resource_gets_the_repository_name_only_when_the_option_is_on(kind: TemplateKind) -> None:
    passed = load(kind)["Resources"]["ProjectRepos"]["Properties"]["ContainerRepository"]
    assert passed == {"If": ["CreateContainerRepository", {"Ref": "ContainerRepository"}, ""]}
    assert "ContainerRepository" in KNOWN
    on = template_properties(
        CONFIG, project_name="a", project_id="p-abc123def456", kind=kind, business_unit="retail",
        bring_your_own_container=True,
    )  # fmt: skip
    off = template_properties(CONFIG, project_name="a", project_id="p-abc123def456", kind=kind, business_unit="retail")
    assert (on["ContainerRepository"], off["ContainerRepository"]) == ("mlops/p-abc123def456", "")


@pytest.mark.parametrize("kind", OFFERING)
def test_the_repository_scans_on_push_has_immutable_tags_and_a_lifecycle_policy(kind: TemplateKind) -> None:
    properties = _repository(kind)["Properties"]
    assert properties["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert properties["ImageTagMutability"] == "IMMUTABLE"
    assert json.loads(properties["LifecyclePolicy"]["LifecyclePolicyText"]) == CONTAINER_LIFECYCLE_POLICY


@pytest.mark.parametrize("kind", OFFERING)
def test_the_repository_policy_lets_only_the_deploy_accounts_roles_pull(kind: TemplateKind) -> None:
    (statement,) = _repository(kind)["Properties"]["RepositoryPolicyText"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
    ]
    roles = [arn["Sub"] for arn in statement["Condition"]["ArnLike"]["aws:PrincipalArn"]]
    assert {re.sub(r".*:role/\$\{NamingPrefix\}-", "", role) for role in roles} == {
        "github-deploy",
        "sagemaker-execution",
    }
    assert {re.search(r"\$\{(\w+)AccountId\}", role).group(1) for role in roles} == {"Preprod", "Prod"}  # type: ignore[union-attr]


def test_the_build_and_deploy_role_names_in_the_repository_policy_are_the_ones_the_lambda_gives_the_repos() -> None:
    """The repository policy admits <prefix>-github-deploy: the role the container-build repo's preprod and prod
    environments assume (the role the provisioning admits them to; the workflows build its ARN from org variables)."""
    from platform_cli.lambdas.properties import request_from_properties
    from platform_cli.lambdas.settings import settings_from_config
    from platform_cli.provisioning.desired import desired_repos

    properties = template_properties(
        CONFIG, project_name="a", project_id="p-abc123def456", kind=TemplateKind.BUILD_DEPLOY_REALTIME,
        business_unit="retail", bring_your_own_container=True,
    )  # fmt: skip
    request = request_from_properties(properties, settings_from_config(CONFIG, "mlops/github/credentials"))
    container = next(repo for repo in desired_repos(request) if repo.part == "container")
    roles = {env.name: env.role_arn.rsplit("/", 1)[1] for env in container.environments}
    assert roles["preprod"] == roles["prod"] == "mlops-github-deploy"


@pytest.mark.parametrize("kind", OFFERING)
def test_the_repository_name_falls_in_the_pattern_the_roles_may_push_to_and_create(kind: TemplateKind) -> None:
    """deploy_targets grants push (build, deploy roles) and create (project-registry) on <prefix>/p-????????????."""
    from fnmatch import fnmatchcase

    from tests.base_infrastructure import tf_policies

    text = tf_policies.terraform_file("deploy_targets").read_text()
    (pattern,) = set(re.findall(r'repository/\$\{var\.name_prefix\}/(p-\?+)"', text))
    assert fnmatchcase(container_repository_name("mlops", "p-abc123def456"), f"mlops/{pattern}")


def test_the_build_workflow_hands_the_pipeline_the_variable_it_reads() -> None:
    """model-build's workflow maps vars.CONTAINER_REPOSITORY_URI to the environment variable its pipeline reads."""
    from tests.templates import workflows
    from tests.templates.conftest import TEMPLATE_ROOT

    build = TEMPLATE_ROOT / "model-build"
    job = workflows.load(build / ".github" / "workflows" / "build.yml")["jobs"]["pipeline"]
    source = (build / "pipelines" / "container_image.py").read_text()
    (variable,) = re.findall(r'^REPOSITORY_VARIABLE = "(\w+)"$', source, re.MULTILINE)
    assert job["env"][variable] == "${{ vars.CONTAINER_REPOSITORY_URI }}"
    assert (
        "CONTAINER_REPOSITORY_URI" in load_contract().options["bring_your_own_container"].repo_variables["model-build"]
    )
