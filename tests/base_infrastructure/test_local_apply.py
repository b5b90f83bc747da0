"""The real base infrastructure applied to local AWS: bootstrap.sh, terraform init with the S3 backend and the
DynamoDB lock table, apply dev, preprod and prod into three accounts, a second plan with no changes, destroy.

Tests run in file order on one deployment; the last one destroys it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws
from tests.base_infrastructure.harness import (
    ACCOUNTS,
    ENVIRONMENTS,
    ORG,
    PREFIX,
    STUDIO_USERS,
    Deployment,
    deploy_all,
    destroy_all,
    plan_all,
)
from tests.base_infrastructure.test_contract import SSM_CONTRACT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, terraform_test_runs: object) -> Iterator[Deployment]:
    # terraform_test_runs: the static `terraform test` suites start first and run while this applies.
    base = tmp_path_factory.mktemp("base-infra-apply")
    local = LocalAws(base / "local-aws")
    local.up()
    try:
        yield deploy_all(base, local)
    finally:
        local.down()


@pytest.fixture(scope="module")
def second_plans(deployment: Deployment) -> dict[str, tuple[int, str]]:
    return plan_all(deployment)


def client(deployment: Deployment, environment: str, service: str) -> Any:
    return deployment.local.session_for(environment).client(service)


def statements(document: Any) -> list[dict[str, Any]]:
    document = json.loads(document) if isinstance(document, str) else document
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def platform_roles(deployment: Deployment, environment: str) -> list[dict[str, Any]]:
    iam = client(deployment, environment, "iam")
    roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    bootstrap = f"{PREFIX}-{environment}-"
    return [r for r in roles if r["RoleName"].startswith(f"{PREFIX}-") and not r["RoleName"].startswith(bootstrap)]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_is_applied_into_its_own_account(deployment: Deployment, environment: str) -> None:
    outputs = deployment.environments[environment].outputs()
    assert outputs["account_id"] == ACCOUNTS[environment]
    assert outputs["environment"] == environment
    ssm = client(deployment, environment, "ssm")
    assert ssm.get_parameter(Name="/mlops/environment")["Parameter"]["Value"] == environment


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_second_plan_shows_no_changes(second_plans: dict[str, tuple[int, str]], environment: str) -> None:
    code, stdout = second_plans[environment]
    assert code == 0, stdout[-4000:]
    assert "No changes." in stdout


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_is_in_the_bootstrapped_bucket_and_locked_through_its_table(
    deployment: Deployment, environment: str
) -> None:
    bootstrap = deployment.bootstraps[environment]
    key = f"base-infrastructure/retail/{environment}.tfstate"
    state = client(deployment, environment, "s3").get_object(Bucket=bootstrap.state_bucket, Key=key)
    assert json.loads(state["Body"].read())["resources"]
    digest = client(deployment, environment, "dynamodb").get_item(
        TableName=bootstrap.lock_table, Key={"LockID": {"S": f"{bootstrap.state_bucket}/{key}-md5"}}
    )
    assert "Item" in digest, "the S3 backend records the state digest in the lock table"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_contract_parameter_is_published_in_every_account(deployment: Deployment, environment: str) -> None:
    ssm = client(deployment, environment, "ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/mlops", Recursive=True)
    values = {p["Name"]: p["Value"] for page in pages for p in page["Parameters"]}
    assert set(values) == SSM_CONTRACT
    outputs = deployment.environments[environment].outputs()
    assert values["/mlops/network/private_subnet_ids"] == ",".join(outputs["private_subnet_ids"])  # type: ignore[arg-type]
    assert values["/mlops/accounts/prod"] == ACCOUNTS["prod"]
    assert values["/mlops/github/org"] == ORG


def test_prod_deploy_role_trusts_no_repository_until_the_provisioning_admits_one(deployment: Deployment) -> None:
    role = client(deployment, "prod", "iam").get_role(RoleName=f"{PREFIX}-github-deploy")["Role"]
    (statement,) = statements(role["AssumeRolePolicyDocument"])
    assert statement["Effect"] == "Deny" and "StringLike" not in statement["Condition"]
    assert statement["Condition"]["StringNotEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    trust = client(deployment, "prod", "iam").get_role(RoleName=f"{PREFIX}-project-trust")["Role"]
    (admit,) = statements(trust["AssumeRolePolicyDocument"])
    assert admit["Condition"]["ArnEquals"]["aws:PrincipalArn"].endswith(f":role/{PREFIX}-project-repos")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_policy_allows_every_action_on_every_resource(deployment: Deployment, environment: str) -> None:
    iam = client(deployment, environment, "iam")
    documents = []
    for role in platform_roles(deployment, environment):
        name = role["RoleName"]
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            documents.append(iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"])
        for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            meta = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=meta["DefaultVersionId"])
            documents.append(version["PolicyVersion"]["Document"])
    assert len(documents) >= 4
    for document in documents:
        for statement in statements(document):
            wildcard = "*" in as_list(statement.get("Action", [])) and "*" in as_list(statement.get("Resource", []))
            assert not (statement["Effect"] == "Allow" and wildcard), statement


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_platform_role_carries_the_bootstrap_boundary(deployment: Deployment, environment: str) -> None:
    iam = client(deployment, environment, "iam")
    boundary = deployment.bootstraps[environment].permissions_boundary_arn
    roles = platform_roles(deployment, environment)
    assert len(roles) >= 4
    for role in roles:
        detail = iam.get_role(RoleName=role["RoleName"])["Role"]
        assert detail.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") == boundary, role["RoleName"]


def test_dev_shares_model_artifacts_with_the_preprod_and_prod_roles_only(deployment: Deployment) -> None:
    bucket = deployment.environments["dev"].outputs()["artifact_bucket"]
    policy = client(deployment, "dev", "s3").get_bucket_policy(Bucket=bucket)["Policy"]
    (shared,) = [s for s in statements(policy) if s.get("Sid") == "PreprodAndProdRolesReadModelArtifacts"]
    principals = as_list(shared["Condition"]["ArnLike"]["aws:PrincipalArn"])
    assert {p.split(":")[4] for p in principals} == {ACCOUNTS["preprod"], ACCOUNTS["prod"]}
    assert "s3:PutObject" not in as_list(shared["Action"])


def test_dev_hosts_a_vpc_only_studio_with_the_configured_profiles(deployment: Deployment) -> None:
    sagemaker = client(deployment, "dev", "sagemaker")
    domain_id = deployment.environments["dev"].outputs()["sagemaker_domain_id"]
    domain = sagemaker.describe_domain(DomainId=domain_id)
    assert domain["AppNetworkAccessType"] == "VpcOnly" and domain["AuthMode"] == "IAM"
    profiles = {p["UserProfileName"] for p in sagemaker.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]}
    assert profiles == {*STUDIO_USERS["lead_data_scientists"], *STUDIO_USERS["data_scientists"]}


def test_dev_runs_both_lambdas_from_the_built_artifact(deployment: Deployment) -> None:
    expected = base64.b64encode(hashlib.sha256(Path(deployment.zip_path).read_bytes()).digest()).decode()
    lambdas = client(deployment, "dev", "lambda")
    for name, handler in (
        ("project-repos", "platform_cli.lambdas.project_repos.handler"),
        ("trigger-workflow", "platform_cli.lambdas.trigger_workflow.handler"),
    ):
        configuration = lambdas.get_function(FunctionName=f"{PREFIX}-{name}")["Configuration"]
        assert configuration["Runtime"] == "python3.12"
        assert configuration["Handler"] == handler
        assert configuration["CodeSha256"] == expected
        assert configuration["DeadLetterConfig"]["TargetArn"].endswith(":mlops-project-lambdas-dlq")


def test_dev_offers_every_enabled_template_in_studio_through_service_catalog_only(deployment: Deployment) -> None:
    outputs = deployment.environments["dev"].outputs()
    catalog = client(deployment, "dev", "servicecatalog")
    for kind in (
        "build-deploy-realtime",
        "build-deploy-batch",
        "pipeline-promotion",
        "single-account-training",
        "llm-fine-tuning",
    ):
        assert catalog.describe_product(Name=f"{PREFIX}-{kind}")["ProductViewSummary"]["Name"] == f"{PREFIX}-{kind}"
    # The S3-based path is off (README, "Projects launch only through Service Catalog").
    assert outputs["studio_template_urls"] == {}


def test_preprod_and_prod_host_no_project_factory(deployment: Deployment) -> None:
    for environment in ("preprod", "prod"):
        outputs = deployment.environments[environment].outputs()
        assert outputs.get("sagemaker_domain_id") is None and outputs.get("project_repos_lambda_arn") is None
        assert client(deployment, environment, "lambda").list_functions()["Functions"] == []


def test_destroy_removes_everything_the_apply_created(deployment: Deployment, second_plans: object) -> None:
    destroy_all(deployment)
    for environment, terraform in deployment.environments.items():
        assert terraform.terraform("state", "list", ok_codes=(0, 1)).stdout.strip() == "", environment
        ssm = client(deployment, environment, "ssm")
        assert ssm.get_parameters_by_path(Path="/mlops", Recursive=True)["Parameters"] == []
        vpcs = client(deployment, environment, "ec2").describe_vpcs(
            Filters=[{"Name": "tag:mlops:environment", "Values": [environment]}]
        )["Vpcs"]
        assert vpcs == []
