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
# Template repos a per-project option adds (issue 17).
OPTION_TEMPLATE_REPOS = {"container-build"}


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
        # bring your own container (issue 17 item 1)
        "CONTAINER_REPOSITORY_NAME",
        "CONTAINER_REPOSITORY_URI",
    }
    # Per environment only what differs per account; role ARNs are composed from the account id and the org's role
    # names (issue 16).
    assert set(contract.environment_variables) == {
        "AWS_ACCOUNT_ID",
        "CONTAINER_REGISTRY",  # bring your own container (issue 17 item 1)
    }


def test_every_template_repo_uses_only_contract_names() -> None:
    contract = load_contract()
    assert set(contract.template_repos) == BRIEF_TEMPLATE_REPOS | OPTION_TEMPLATE_REPOS
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


# --- bring your own container (issue 17 item 1) ---


def test_every_option_adds_known_template_repos_and_contract_variables() -> None:
    contract = load_contract()
    for option in contract.options.values():
        assert set(option.parts.values()) <= set(contract.template_repos)
        for template_repo, variables in option.repo_variables.items():
            assert template_repo in contract.template_repos
            assert set(variables) <= set(contract.repo_variables)


def test_bring_your_own_container_is_offered_by_the_build_deploy_kinds_only() -> None:
    option = load_contract().options["bring_your_own_container"]
    assert set(option.kinds) == {TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH}
    assert option.parts == {"container": "container-build"}
