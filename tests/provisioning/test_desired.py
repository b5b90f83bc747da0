from __future__ import annotations

import pytest

from platform_cli.config import TemplateKind
from platform_cli.provisioning.contract import load_contract
from platform_cli.provisioning.desired import desired_repos
from platform_cli.provisioning.request import parse_request
from tests.provisioning.factories import request_data

PARTS = {
    TemplateKind.BUILD_DEPLOY_REALTIME: ["build", "deploy"],
    TemplateKind.BUILD_DEPLOY_BATCH: ["build", "deploy"],
    TemplateKind.PIPELINE_PROMOTION: ["pipeline"],
    TemplateKind.SINGLE_ACCOUNT_TRAINING: ["training"],
    TemplateKind.LLM_FINE_TUNING: ["llm"],
}


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_each_kind_yields_one_repo_per_part_named_project_id_part(kind: TemplateKind) -> None:
    repos = desired_repos(parse_request(request_data(kind)))
    assert [repo.part for repo in repos] == PARTS[kind]
    assert [repo.name for repo in repos] == [f"churn-p-abc123def456-{part}" for part in PARTS[kind]]
    assert all(len(repo.name) <= 100 for repo in repos)


def test_the_longest_project_name_still_gives_a_legal_repo_name() -> None:
    repos = desired_repos(parse_request(request_data(project_name="x" * 32)))
    assert max(len(repo.name) for repo in repos) <= 100


def test_build_deploy_uses_the_build_and_deploy_templates() -> None:
    build, deploy = desired_repos(parse_request(request_data(TemplateKind.BUILD_DEPLOY_BATCH)))
    assert build.template_full_name == "acme/model-build"
    assert deploy.template_full_name == "acme/model-deploy-batch"
    assert deploy.dispatch_workflow == "deploy.yml"


def test_repo_variables_follow_the_contract() -> None:
    build, deploy = desired_repos(parse_request(request_data()))
    assert build.variables == {
        "SAGEMAKER_PROJECT_NAME": "churn",
        "SAGEMAKER_PROJECT_ID": "p-abc123def456",
        "MODEL_PACKAGE_GROUP_NAME": "churn-p-abc123def456",
        "ARTIFACT_BUCKET": "mlops-p-abc123def456-artifacts",
        "PIPELINE_EXECUTION_ROLE_ARN": "arn:aws:iam::111111111111:role/mlops-churn-pipeline",
    }
    assert set(deploy.variables) == set(load_contract().repo("model-deploy-realtime").repo_variables)


def test_preprod_and_prod_need_the_reviewers_team_without_self_review_and_dev_does_not() -> None:
    _, deploy = desired_repos(parse_request(request_data()))
    environments = {env.name: env for env in deploy.environments}
    assert list(environments) == ["dev", "preprod", "prod"]
    assert environments["dev"].reviewer_team is None
    for name in ("preprod", "prod"):
        assert environments[name].reviewer_team == "ml-reviewers"
        assert environments[name].prevent_self_review is True
    # () = protected branches only: main, the one branch the provisioning protects.
    assert all(env.deployment_branches == () for env in environments.values())


def test_an_environment_carries_only_its_account_and_knows_the_role_its_jobs_assume() -> None:
    _, deploy = desired_repos(parse_request(request_data()))
    prod = next(env for env in deploy.environments if env.name == "prod")
    assert prod.variables == {"AWS_ACCOUNT_ID": "333333333333"}
    assert prod.role_arn == "arn:aws:iam::333333333333:role/mlops-github-deploy"


def test_a_kind_variable_goes_only_to_the_repos_whose_workflows_read_it() -> None:
    data = request_data(extra_variables={"ENDPOINT_INSTANCE_TYPE": "ml.m5.large", "TEAM_TAG": "x"})
    build, deploy = desired_repos(parse_request(data))
    assert "ENDPOINT_INSTANCE_TYPE" not in build.variables
    assert deploy.variables["ENDPOINT_INSTANCE_TYPE"] == "ml.m5.large"
    assert build.variables["TEAM_TAG"] == deploy.variables["TEAM_TAG"] == "x"  # not a kind variable: every repo


def test_topics_carry_the_project_name_and_id() -> None:
    (repo,) = desired_repos(parse_request(request_data(TemplateKind.LLM_FINE_TUNING, project_name="Churn-X")))
    assert {"churn-x", "p-abc123def456", "llm-fine-tuning", "mlops"} <= set(repo.topics)


def test_access_never_makes_the_requester_admin() -> None:
    from platform_cli.provisioning.desired import MAINTAINERS_PERMISSION, USER_PERMISSION

    assert USER_PERMISSION == "push"
    assert MAINTAINERS_PERMISSION == "maintain"


def test_extra_secrets_are_hidden_in_the_desired_state() -> None:
    (repo,) = desired_repos(
        parse_request(request_data(TemplateKind.SINGLE_ACCOUNT_TRAINING, extra_secrets={"HF_TOKEN": "canary-qq"}))
    )
    assert repo.secrets["HF_TOKEN"].reveal() == "canary-qq"
    assert "canary-qq" not in repr(repo)


def test_build_repos_assume_the_build_role_in_dev_and_deploy_repos_the_deploy_role() -> None:
    build, deploy = desired_repos(parse_request(request_data()))
    (build_dev,) = build.environments
    assert build_dev.role_arn == "arn:aws:iam::111111111111:role/mlops-github-build"
    deploy_dev = next(env for env in deploy.environments if env.name == "dev")
    assert deploy_dev.role_arn == "arn:aws:iam::111111111111:role/mlops-github-deploy"


def test_the_pipeline_repo_uses_the_build_role_in_dev_and_the_deploy_role_beyond() -> None:
    (pipeline,) = desired_repos(parse_request(request_data(TemplateKind.PIPELINE_PROMOTION)))
    roles = {env.name: env.role_arn.rsplit("/", 1)[1] for env in pipeline.environments}
    assert roles == {"dev": "mlops-github-build", "preprod": "mlops-github-deploy", "prod": "mlops-github-deploy"}
