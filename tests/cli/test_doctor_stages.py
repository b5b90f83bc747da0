"""`mlops doctor --aws --github`: one check per stage of the first hour (docs/first-hour.md), each naming what is
missing and the command that fixes it. Run against local AWS (moto server) and the local forge: each stage is
set up the way its producer sets it up (a stack with bootstrap.yaml's outputs, `publish_base_settings`, the SSM
contract, the credential secret, Service Catalog products), then one piece is taken away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from platform_cli.config import ENVIRONMENTS, PlatformConfig, parse_config
from platform_cli.config_template import render_config
from platform_cli.doctor import Status
from platform_cli.doctor.stages import (
    BOOTSTRAP_OUTPUTS,
    ENVIRONMENT_PARAMETER,
    SECRET_PARAMETER,
    Account,
    check_base_applied,
    check_base_repository,
    check_bootstrap_stack,
    check_credential_secret,
    check_templates,
)
from platform_cli.github.base_settings import settings_from_outputs
from platform_cli.github.publish import PublishResult, publish_base_settings
from platform_cli.local.aws import LocalAws
from tests.fixtures.cli import REAL_VALUES
from tests.fixtures.forge import ForgeOrg

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_for(org: str = "acme-ml", templates: list[str] | None = None) -> PlatformConfig:
    values = {**REAL_VALUES, "org": org, "auth": "pat", "reviewers": "reviewers"}
    if templates is not None:
        values["templates"] = templates
    return parse_config(yaml.safe_load(render_config(values)))


def account(local: LocalAws, environment: str = "dev") -> Account:
    return Account(environment, local.accounts[environment], local.session_for(environment), reach_fix="--profile")


def bootstrap_stack(local: LocalAws, environment: str, outputs: list[str] | None = None) -> dict[str, str]:
    """A stack named and shaped as bootstrap.sh leaves it: the outputs base-infrastructure needs."""
    values = {key: f"{key.lower()}-{environment}" for key in (outputs if outputs is not None else BOOTSTRAP_OUTPUTS)}
    template = {
        "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
        "Outputs": {key: {"Value": value} for key, value in values.items()},
    }
    cloudformation = local.session_for(environment).client("cloudformation")
    cloudformation.create_stack(StackName=f"mlops-{environment}-bootstrap", TemplateBody=json.dumps(template))
    return values


# --- bootstrap ---------------------------------------------------------------------------------------------------


def test_a_complete_bootstrap_stack_passes_and_hands_on_its_outputs(clean_local_aws: LocalAws) -> None:
    values = bootstrap_stack(clean_local_aws, "dev")
    result, outputs = check_bootstrap_stack(config_for(), "retail", account(clean_local_aws))
    assert result.status is Status.PASS, result
    assert outputs == values
    assert result.detail.startswith(f"mlops-dev-bootstrap CREATE_COMPLETE in {clean_local_aws.accounts['dev']}")


def test_a_missing_bootstrap_stack_names_the_stack_and_the_bootstrap_command(clean_local_aws: LocalAws) -> None:
    result, _ = check_bootstrap_stack(config_for(), "retail", account(clean_local_aws, "prod"))
    assert result.status is Status.FAIL
    assert result.detail == f"no stack mlops-prod-bootstrap in account {clean_local_aws.accounts['prod']}"
    assert result.fix == "mlops bootstrap --env prod"


def test_a_bootstrap_stack_without_an_output_base_infrastructure_reads_names_it(clean_local_aws: LocalAws) -> None:
    bootstrap_stack(clean_local_aws, "dev", [key for key in BOOTSTRAP_OUTPUTS if key != "PlanRoleArn"])
    result, _ = check_bootstrap_stack(config_for(), "retail", account(clean_local_aws))
    assert result.status is Status.FAIL
    assert "lacks outputs PlanRoleArn" in result.detail
    assert result.fix == "mlops bootstrap --env dev"


def test_credentials_that_reach_another_account_are_named(clean_local_aws: LocalAws) -> None:
    bootstrap_stack(clean_local_aws, "dev")
    wrong = Account("dev", "999999999999", clean_local_aws.session_for("dev"), reach_fix="pass --profile dev=P")
    result, _ = check_bootstrap_stack(config_for(), "retail", wrong)
    assert result.status is Status.FAIL
    assert result.detail == f"the dev credentials reach account {clean_local_aws.accounts['dev']}, not 999999999999"


def test_an_account_that_could_not_be_reached_says_why_and_how(clean_local_aws: LocalAws) -> None:
    unreachable = Account("preprod", "222222222222", None, "AccessDenied assuming the role", "pass --profile")
    result, _ = check_bootstrap_stack(config_for(), "retail", unreachable)
    assert (result.status, result.fix) == (Status.FAIL, "pass --profile")
    assert result.detail == "cannot reach the preprod account 222222222222: AccessDenied assuming the role"


# --- the base-infrastructure repository (names from base_settings, set by publish_base_settings) -------------------


@pytest.fixture
def published(forge_org: ForgeOrg) -> tuple[ForgeOrg, dict[str, dict[str, str]]]:
    """base-infrastructure as `mlops org publish` leaves it: environments and variables from bootstrap outputs."""
    outputs = {env: {key: f"{key.lower()}-{env}" for key in BOOTSTRAP_OUTPUTS} for env in ENVIRONMENTS}
    org = forge_org.gh.get_organization(forge_org.login)
    repo = org.create_repo("base-infrastructure", private=True)
    for name, value in (("MLOPS_AWS_REGION", "eu-west-1"), ("MLOPS_NAMING_PREFIX", "mlops")):
        org.create_variable(name, value)
    publish_base_settings(org, repo, settings_from_outputs(outputs), forge_org.team, PublishResult())
    return forge_org, outputs


def test_the_repository_org_publish_configured_passes(published: tuple[ForgeOrg, dict[str, dict[str, str]]]) -> None:
    forge_org, outputs = published
    result = check_base_repository(config_for(forge_org.login), "retail", forge_org.gh, outputs)
    assert result.status is Status.PASS, result
    assert result.detail.startswith(f"{forge_org.login}/base-infrastructure: environments dev, preprod, prod, plan")


def test_a_missing_environment_variable_is_named_with_org_publish_as_the_fix(
    published: tuple[ForgeOrg, dict[str, dict[str, str]]],
) -> None:
    forge_org, outputs = published
    repo = forge_org.gh.get_repo(f"{forge_org.login}/base-infrastructure")
    repo.get_environment("prod").delete_variable("TF_APPLY_ROLE_ARN")
    repo.delete_variable("TF_LOCK_TABLE_DEV")
    result = check_base_repository(config_for(forge_org.login), "retail", forge_org.gh, outputs)
    assert result.status is Status.FAIL
    assert (
        result.detail
        == f"{forge_org.login}/base-infrastructure lacks variable TF_LOCK_TABLE_DEV, prod variable TF_APPLY_ROLE_ARN"
    )
    assert result.fix.startswith("mlops org publish")


def test_a_variable_that_differs_from_the_bootstrap_output_is_named(
    published: tuple[ForgeOrg, dict[str, dict[str, str]]],
) -> None:
    forge_org, outputs = published
    changed = {**outputs, "dev": {**outputs["dev"], "ApplyRoleArn": "arn:aws:iam::111111111111:role/other"}}
    result = check_base_repository(config_for(forge_org.login), "retail", forge_org.gh, changed)
    assert result.status is Status.FAIL
    assert "dev TF_APPLY_ROLE_ARN is not the stack's ApplyRoleArn" in result.detail


def test_an_org_without_the_repository_is_told_to_publish(forge_org: ForgeOrg) -> None:
    result = check_base_repository(config_for(forge_org.login), "retail", forge_org.gh)
    assert result.status is Status.FAIL
    assert result.detail == f"{forge_org.login}/base-infrastructure does not exist (or the token cannot see it)"


# --- base infrastructure applied, the credential secret, the templates -----------------------------------------


def test_base_infrastructure_not_applied_points_at_the_apply_workflow(clean_local_aws: LocalAws) -> None:
    result = check_base_applied(config_for(), account(clean_local_aws, "preprod"))
    assert result.status is Status.FAIL
    assert result.detail.endswith(f"(no SSM parameter {ENVIRONMENT_PARAMETER})")
    assert result.fix == (
        "acme-ml/base-infrastructure's deploy workflow applies it on each push to main (`mlops org publish` pushes "
        "one); approve its preprod job"
    )


def test_base_infrastructure_applied_passes_on_the_ssm_contract(clean_local_aws: LocalAws) -> None:
    clean_local_aws.session_for("dev").client("ssm").put_parameter(
        Name=ENVIRONMENT_PARAMETER, Value="dev", Type="String"
    )
    assert check_base_applied(config_for(), account(clean_local_aws)).status is Status.PASS


def test_the_ssm_parameters_doctor_reads_are_the_ones_base_infrastructure_writes() -> None:
    ssm_module = (REPO_ROOT / "base-infrastructure/terraform/modules/ssm/main.tf").read_text()
    for parameter in (ENVIRONMENT_PARAMETER, SECRET_PARAMETER):
        assert f'"{parameter}"' in ssm_module


def test_an_empty_credential_secret_is_told_to_set_credentials_and_is_never_read(clean_local_aws: LocalAws) -> None:
    session = clean_local_aws.session_for("dev")
    arn = session.client("secretsmanager").create_secret(Name="mlops/github/credentials")["ARN"]
    session.client("ssm").put_parameter(Name=SECRET_PARAMETER, Value=arn, Type="String")
    result = check_credential_secret(account(clean_local_aws))
    assert (result.status, result.detail) == (Status.FAIL, "mlops/github/credentials is empty")
    assert result.fix.startswith("mlops github set-credentials")
    token = "ghp_" + "secret_value"  # built at run time: no token-shaped literal in the repository
    session.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=json.dumps({"token": token}))
    result = check_credential_secret(account(clean_local_aws))
    assert result.status is Status.PASS
    assert token not in result.detail


def test_templates_missing_from_service_catalog_are_named(clean_local_aws: LocalAws) -> None:
    result = check_templates(config_for(templates=["build-deploy-realtime"]), account(clean_local_aws))
    assert result.status is Status.FAIL
    assert result.detail == "no Service Catalog product mlops-build-deploy-realtime in dev"


def publish_template(local: LocalAws, name: str, *, tagged: bool = True, shared: bool = True) -> None:
    """A Service Catalog product as base-infrastructure's project_templates module makes it: tagged for Studio, in
    a portfolio whose principals are the Studio roles."""
    session = local.session_for("dev")
    s3 = session.client("s3")
    if "doctor-templates" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket="doctor-templates", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    body = {"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}
    s3.put_object(Bucket="doctor-templates", Key=f"{name}.yaml", Body=json.dumps(body).encode())
    catalog = session.client("servicecatalog")
    tags = [{"Key": "sagemaker:studio-visibility", "Value": "true"}] if tagged else []
    product = catalog.create_product(
        Name=name,
        Owner="mlops-platform",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        Tags=tags,
        ProvisioningArtifactParameters={
            "Name": "v1",
            "Info": {"LoadTemplateFromURL": f"https://doctor-templates.s3.eu-west-1.amazonaws.com/{name}.yaml"},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
        IdempotencyToken=f"token-{name}",
    )["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    portfolio = catalog.create_portfolio(DisplayName=f"{name} portfolio", ProviderName="mlops-platform")
    portfolio_id = portfolio["PortfolioDetail"]["Id"]
    catalog.associate_product_with_portfolio(ProductId=product, PortfolioId=portfolio_id)
    if shared:
        role = f"arn:aws:iam::{local.accounts['dev']}:role/mlops-data-scientist"
        catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=role, PrincipalType="IAM")


def test_templates_tagged_for_studio_and_shared_with_its_roles_pass(clean_local_aws: LocalAws) -> None:
    publish_template(clean_local_aws, "mlops-build-deploy-realtime")
    publish_template(clean_local_aws, "mlops-build-deploy-batch")
    config = config_for(templates=["build-deploy-realtime", "build-deploy-batch"])
    result = check_templates(config, account(clean_local_aws))
    assert result.status is Status.PASS, result
    assert result.detail == "2 templates visible in Studio: mlops-build-deploy-realtime, mlops-build-deploy-batch"


def test_a_template_studio_would_not_list_is_named_with_why(clean_local_aws: LocalAws) -> None:
    publish_template(clean_local_aws, "mlops-build-deploy-realtime", tagged=False)
    publish_template(clean_local_aws, "mlops-build-deploy-batch", shared=False)
    config = config_for(templates=["build-deploy-realtime", "build-deploy-batch"])
    result = check_templates(config, account(clean_local_aws))
    assert result.status is Status.FAIL
    assert result.detail == (
        "mlops-build-deploy-realtime lacks the tag sagemaker:studio-visibility=true, "
        "mlops-build-deploy-batch's portfolio has no Studio role associated"
    )
