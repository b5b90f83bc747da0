from __future__ import annotations

from platform_cli.config import TemplateKind
from platform_cli.provisioning.contract import load_contract

BRIEF_TEMPLATE_REPOS = {
    "model-build",
    "model-deploy-realtime",
    "model-deploy-batch",
    "pipeline-promotion",
    "single-account-training",
    "llm-fine-tuning",
}


def test_the_contract_names_exactly_the_fixed_variables() -> None:
    contract = load_contract()
    assert set(contract.org_variables) == {
        "MLOPS_AWS_REGION",
        "MLOPS_NAMING_PREFIX",
        "MLOPS_AWS_PARTITION",
        "MLOPS_BUILD_ROLE_NAME",
        "MLOPS_DEPLOY_ROLE_NAME",
        "MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME",
    }
    assert set(contract.repo_variables) == {
        "SAGEMAKER_PROJECT_NAME",
        "SAGEMAKER_PROJECT_ID",
        "MODEL_PACKAGE_GROUP_NAME",
        "ARTIFACT_BUCKET",
        "PIPELINE_EXECUTION_ROLE_ARN",
    }
    # The one value per environment; role ARNs are composed from it and the org's role names (issue 16).
    assert set(contract.environment_variables) == {"AWS_ACCOUNT_ID"}


def test_every_template_repo_uses_only_contract_names() -> None:
    contract = load_contract()
    assert set(contract.template_repos) == BRIEF_TEMPLATE_REPOS
    for rules in contract.template_repos.values():
        assert set(rules.repo_variables) <= set(contract.repo_variables)
        for names in rules.environments.values():
            assert set(names) <= set(contract.environment_variables)
        assert rules.secrets == ()


def test_every_template_kind_maps_to_known_template_repos() -> None:
    contract = load_contract()
    assert set(contract.template_kinds) == set(TemplateKind)
    for parts in contract.template_kinds.values():
        assert set(parts.values()) <= BRIEF_TEMPLATE_REPOS
