"""bootstrap.yaml: lint gates, and the security properties a reviewer signs off, read from the rendered template.

moto evaluates neither IAM (trust conditions, permissions boundaries) nor policy Conditions (aws:SecureTransport),
so who-can-do-what is checked here on the rendered policy documents with a small IAM evaluator.
What moto does create (bucket settings, table, roles, outputs) is checked against moto in test_script_on_moto.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from platform_cli.github.base_settings import PLAN_ENVIRONMENT
from tests.bootstrap import policy_eval
from tests.bootstrap.template import ACCOUNT, REGION, ROOT, TEMPLATE_PATH, Renderer, default_parameters, load_template

BIN = Path(sys.executable).parent
OIDC = "token.actions.githubusercontent.com"
BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/mlops-dev-permissions-boundary"
STATE_BUCKET = f"mlops-dev-state-{ACCOUNT}-{REGION}"
LOCK_TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/mlops-dev-terraform-locks"
STACK_ARN = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/mlops-dev-bootstrap/1234"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"
ORG_ROLE = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
GITHUB_SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mlops/github/credentials"
SERVICE_LINKED = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/sagemaker.amazonaws.com/x"
WITH_BOUNDARY = {"iam:PermissionsBoundary": BOUNDARY_ARN}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def rendered(template: dict[str, Any]) -> Renderer:
    return Renderer(template, default_parameters(template))


def role_policies(rendered: Renderer, role: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The identity policies and the boundary of a role, rendered."""
    properties = rendered.properties(role)
    by_arn = {
        rendered.physical(logical_id): rendered.policy(logical_id)
        for logical_id, resource in rendered.template["Resources"].items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
    }
    identity = [by_arn[arn] for arn in properties["ManagedPolicyArns"]]
    return identity, by_arn[properties["PermissionsBoundary"]]


def apply_can(rendered: Renderer, action: str, resource: str = "*", **context: str) -> bool:
    identity, boundary = role_policies(rendered, "ApplyRole")
    return policy_eval.is_allowed(identity, boundary, action, resource, context)


def plan_can(rendered: Renderer, action: str, resource: str = "*", **context: str) -> bool:
    identity, boundary = role_policies(rendered, "PlanRole")
    return policy_eval.is_allowed(identity, boundary, action, resource, context)


# ------------------------------------------------------------------------------------------------ lint gates


def test_cfn_lint_reports_no_errors_and_no_warnings() -> None:
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--format", "parseable", str(TEMPLATE_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, ""), result.stdout + result.stderr


def test_checkov_reports_no_failed_checks() -> None:
    result = subprocess.run(
        [
            str(BIN / "checkov"),
            "-f",
            str(TEMPLATE_PATH),
            "--framework",
            "cloudformation",
            "-o",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [check["check_id"] for check in report["results"]["failed_checks"]]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 40, "checkov did not scan the template's resources"


def test_every_checkov_skip_is_inline_with_a_reason(template: dict[str, Any]) -> None:
    skips = [
        (logical_id, skip)
        for logical_id, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips, "expected the documented skips"
    for logical_id, skip in skips:
        assert re.fullmatch(r"CKV_AWS_\d+", skip["id"]), (logical_id, skip)
        assert len(skip.get("comment", "")) >= 40, f"{logical_id} skips {skip['id']} without a real reason"


def test_template_is_small_enough_to_deploy_without_an_s3_upload() -> None:
    assert len(TEMPLATE_PATH.read_bytes()) < 51_200


# ------------------------------------------------------------------------------------------------ parameters


@pytest.mark.parametrize(
    ("parameter", "value", "valid"),
    [
        ("GitHubOrg", "acme", True),
        ("GitHubOrg", "Acme-ML-2", True),
        ("GitHubOrg", "-acme", False),
        ("GitHubOrg", "acme-", False),
        ("GitHubOrg", "ac--me", False),
        ("GitHubOrg", "acme/*", False),
        ("GitHubOrg", "*", False),
        ("GitHubOrg", "a" * 40, False),
        ("GitHubRepo", "base-infrastructure", True),
        ("GitHubRepo", "infra.v2_x", True),
        ("GitHubRepo", "..", False),
        ("GitHubRepo", "repo*", False),
        ("GitHubRepo", "a/b", False),
        ("NamingPrefix", "mlops", True),
        ("NamingPrefix", "a" * 20, True),
        ("NamingPrefix", "a" * 21, False),
        ("NamingPrefix", "MLOps", False),
        ("NamingPrefix", "ml_ops", False),
        ("NamingPrefix", "mlops-", False),
        ("ExistingOidcProviderArn", "", True),
        ("ExistingOidcProviderArn", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}", True),
        ("ExistingOidcProviderArn", f"arn:aws:iam::{ACCOUNT}:oidc-provider/example.com", False),
    ],
)
def test_parameters_accept_only_valid_names(template: dict[str, Any], parameter: str, value: str, valid: bool) -> None:
    spec = template["Parameters"][parameter]
    ok = re.fullmatch(spec["AllowedPattern"], value) is not None
    ok = ok and len(value) <= spec.get("MaxLength", 10_000) and len(value) >= spec.get("MinLength", 0)
    assert ok is valid


def test_environment_is_one_of_dev_preprod_prod(template: dict[str, Any]) -> None:
    assert template["Parameters"]["Environment"]["AllowedValues"] == ["dev", "preprod", "prod"]


# ------------------------------------------------------------------------------------------------ trust


@pytest.mark.parametrize("environment", ["dev", "preprod", "prod"])
def test_apply_role_trusts_only_the_repos_environment(template: dict[str, Any], environment: str) -> None:
    renderer = Renderer(template, default_parameters(template, Environment=environment))
    (statement,) = renderer.policy("ApplyRole")["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            f"{OIDC}:aud": "sts.amazonaws.com",
            f"{OIDC}:sub": f"repo:acme/base-infrastructure:environment:{environment}",
        }
    }


def test_plan_role_trusts_only_the_repos_approved_plan_environment(rendered: Renderer) -> None:
    (statement,) = rendered.policy("PlanRole")["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            f"{OIDC}:aud": "sts.amazonaws.com",
            f"{OIDC}:sub": f"repo:acme/base-infrastructure:environment:{PLAN_ENVIRONMENT}",
        }
    }


@pytest.mark.parametrize(
    "subject",
    [
        "repo:acme/base-infrastructure:pull_request",  # any pull request, unapproved: the hole this closes
        "repo:acme/base-infrastructure:ref:refs/heads/feature",
        "repo:acme/other-repo:environment:plan",
        "repo:evil/base-infrastructure:environment:plan",
    ],
)
def test_plan_role_refuses_an_unapproved_pull_request_and_other_repos(rendered: Renderer, subject: str) -> None:
    trust = rendered.policy("PlanRole")
    context = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subject}
    assert not policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", context)


def test_plan_role_admits_a_job_of_the_plan_environment(rendered: Renderer) -> None:
    trust = rendered.policy("PlanRole")
    context = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": "repo:acme/base-infrastructure:environment:plan"}
    assert policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", context)


@pytest.mark.parametrize("role", ["PlanRole", "ApplyRole"])
def test_roles_are_assumable_only_through_the_github_oidc_provider(rendered: Renderer, role: str) -> None:
    (statement,) = rendered.policy(role)["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"}


def test_no_trust_condition_uses_a_wildcard_anywhere(template: dict[str, Any], rendered: Renderer) -> None:
    for role in ("PlanRole", "ApplyRole"):
        (statement,) = rendered.policy(role)["Statement"]
        assert set(statement["Condition"]) == {"StringEquals"}, "StringLike would allow wildcards"
        for value in statement["Condition"]["StringEquals"].values():
            assert "*" not in value and "?" not in value
    whole = json.dumps(rendered.render(template["Resources"]))
    assert not re.search(r"repo:[^\"]*\*", whole), "an org-wide repo:<org>/* wildcard appears in the template"


def test_plan_role_cannot_be_assumed_from_an_environment_job(rendered: Renderer) -> None:
    trust = rendered.policy("PlanRole")
    context = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": "repo:acme/base-infrastructure:environment:prod"}
    assert not policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", context)


@pytest.mark.parametrize(
    "subject",
    [
        "repo:acme/other-repo:environment:dev",
        "repo:acme/base-infrastructure:environment:prod",
        "repo:acme/base-infrastructure:pull_request",
        "repo:acme/base-infrastructure:ref:refs/heads/main",
        "repo:evil/base-infrastructure:environment:dev",
    ],
)
def test_apply_role_refuses_other_repos_environments_and_events(rendered: Renderer, subject: str) -> None:
    trust = rendered.policy("ApplyRole")
    context = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subject}
    assert not policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", context)


def test_apply_role_accepts_its_environment_with_the_sts_audience_only(rendered: Renderer) -> None:
    trust = rendered.policy("ApplyRole")
    subject = "repo:acme/base-infrastructure:environment:dev"
    good = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subject}
    assert policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", good)
    bad_audience = {**good, f"{OIDC}:aud": "https://github.com/acme"}
    assert not policy_eval.is_allowed([trust], None, "sts:AssumeRoleWithWebIdentity", "*", bad_audience)


def test_existing_oidc_provider_is_reused_instead_of_created(template: dict[str, Any]) -> None:
    existing = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    renderer = Renderer(template, default_parameters(template, ExistingOidcProviderArn=existing))
    assert template["Resources"]["GitHubOidcProvider"]["Condition"] == "CreateOidcProvider"
    assert renderer.conditions["CreateOidcProvider"] is False
    assert renderer.policy("ApplyRole")["Statement"][0]["Principal"] == {"Federated": existing}


def test_created_oidc_provider_has_only_the_sts_audience(rendered: Renderer) -> None:
    properties = rendered.properties("GitHubOidcProvider")
    assert properties["Url"] == f"https://{OIDC}"
    assert properties["ClientIdList"] == ["sts.amazonaws.com"]


# ------------------------------------------------------------------------------------------------ plan role


READ_VERBS = ("Describe", "Get", "List")


def test_plan_policy_grants_only_read_actions(rendered: Renderer) -> None:
    for statement in rendered.policy("PlanPolicy")["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            verb = action.split(":", 1)[1]
            assert verb.startswith(READ_VERBS), f"plan policy grants {action}"


def test_plan_role_touches_only_terraform_state_locks_and_key(rendered: Renderer) -> None:
    for statement in rendered.policy("TerraformStateReadPolicy")["Statement"]:
        for resource in policy_eval._as_list(statement["Resource"]):
            assert resource.startswith((f"arn:aws:s3:::{STATE_BUCKET}", LOCK_TABLE_ARN, "arn:aws:kms:")), resource


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("ec2:CreateVpc", "*"),
        ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/mlops-x"),
        ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"),
        ("sagemaker:CreateDomain", "*"),
        ("kms:CreateKey", "*"),
        ("s3:PutBucketPolicy", "arn:aws:s3:::mlops-dev-artifacts"),
        ("s3:GetObject", "arn:aws:s3:::mlops-dev-data/customers.csv"),
        ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mlops/github/credentials"),
        ("ssm:PutParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/mlops/environment"),
        ("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mlops-project-repos"),
        ("s3:DeleteObject", f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"),
        ("s3:PutObject", f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"),
    ],
)
def test_plan_role_cannot_apply_or_read_data(rendered: Renderer, action: str, resource: str) -> None:
    assert not plan_can(rendered, action, resource)


def test_plan_role_reads_state_and_takes_locks(rendered: Renderer) -> None:
    state = f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"
    assert plan_can(rendered, "s3:GetObject", state)
    assert plan_can(rendered, "dynamodb:PutItem", LOCK_TABLE_ARN)
    assert plan_can(rendered, "dynamodb:DeleteItem", LOCK_TABLE_ARN)
    assert plan_can(rendered, "s3:PutObject", f"{state}.tflock")
    assert plan_can(rendered, "s3:DeleteObject", f"{state}.tflock")
    assert plan_can(rendered, "kms:Decrypt", rendered.attribute("StateKey", "Arn"))
    assert plan_can(rendered, "ec2:DescribeVpcs")
    assert plan_can(rendered, "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/mlops/network/vpc_id")


# ------------------------------------------------------------------------------------------------ apply role


@pytest.mark.parametrize("role", ["PlanRole", "ApplyRole"])
def test_both_roles_carry_the_permissions_boundary(rendered: Renderer, role: str) -> None:
    assert rendered.properties(role)["PermissionsBoundary"] == BOUNDARY_ARN


def test_apply_role_is_not_administrator(template: dict[str, Any], rendered: Renderer) -> None:
    assert "AdministratorAccess" not in TEMPLATE_PATH.read_text(encoding="utf-8")
    identity, _ = role_policies(rendered, "ApplyRole")
    for policy in identity:
        for statement in policy["Statement"]:
            assert "*" not in policy_eval._as_list(statement.get("Action", [])), statement
    assert not apply_can(rendered, "organizations:LeaveOrganization")
    assert not apply_can(rendered, "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/mlops-admin")
    assert not apply_can(rendered, "iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/mlops-admin")


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        ("ec2:CreateVpc", "*", {}),
        ("kms:CreateKey", "*", {}),
        ("s3:CreateBucket", "arn:aws:s3:::mlops-dev-artifacts-111111111111", {}),
        ("sagemaker:CreateDomain", "*", {}),
        ("servicecatalog:CreatePortfolio", "*", {}),
        ("events:PutRule", "*", {}),
        ("logs:CreateLogGroup", "*", {}),
        ("ssm:PutParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/mlops/network/vpc_id", {}),
        ("lambda:CreateFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mlops-project-repos", {}),
        ("sqs:CreateQueue", f"arn:aws:sqs:{REGION}:{ACCOUNT}:mlops-project-lambdas-dlq", {}),
        ("secretsmanager:CreateSecret", GITHUB_SECRET, {}),
        ("iam:CreateRole", EXECUTION_ROLE, WITH_BOUNDARY),
        ("iam:PutRolePolicy", EXECUTION_ROLE, WITH_BOUNDARY),
        ("iam:PassRole", EXECUTION_ROLE, {"iam:PassedToService": "sagemaker.amazonaws.com"}),
        ("iam:CreateServiceLinkedRole", SERVICE_LINKED, {"iam:AWSServiceName": "sagemaker.amazonaws.com"}),
        ("s3:PutObject", f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate", {}),
        ("dynamodb:PutItem", LOCK_TABLE_ARN, {}),
    ],
)
def test_apply_role_can_manage_the_base_infrastructure(
    rendered: Renderer, action: str, resource: str, context: dict[str, str]
) -> None:
    assert apply_can(rendered, action, resource, **context)


@pytest.mark.parametrize("boundary", [None, "arn:aws:iam::111111111111:policy/something-else"])
def test_apply_role_cannot_create_a_role_or_user_without_the_boundary(rendered: Renderer, boundary: str | None) -> None:
    context = {"iam:PermissionsBoundary": boundary} if boundary else {}
    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"
    assert not apply_can(rendered, "iam:CreateRole", role, **context)
    assert not apply_can(rendered, "iam:PutRolePermissionsBoundary", role, **context)
    assert not apply_can(rendered, "iam:AttachRolePolicy", role, **context)
    assert not apply_can(rendered, "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/mlops-x", **context)


def test_apply_role_cannot_remove_or_edit_the_boundary(rendered: Renderer) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution"
    assert not apply_can(
        rendered, "iam:DeleteRolePermissionsBoundary", role, **{"iam:PermissionsBoundary": BOUNDARY_ARN}
    )
    for action in (
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:SetDefaultPolicyVersion",
        "iam:DeletePolicyVersion",
    ):
        assert not apply_can(rendered, action, BOUNDARY_ARN), action


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:DeleteBucket", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:PutBucketPolicy", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:DeleteBucketPolicy", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:PutBucketVersioning", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:PutEncryptionConfiguration", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:PutBucketPublicAccessBlock", f"arn:aws:s3:::{STATE_BUCKET}"),
        ("s3:DeleteObjectVersion", f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"),
        ("dynamodb:DeleteTable", LOCK_TABLE_ARN),
        ("dynamodb:UpdateContinuousBackups", LOCK_TABLE_ARN),
        ("kms:ScheduleKeyDeletion", "STATE_KEY"),
        ("kms:PutKeyPolicy", "STATE_KEY"),
        ("kms:DisableKeyRotation", "STATE_KEY"),
        ("kms:DisableKey", "STATE_KEY"),
        ("iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-github-apply"),
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-github-apply"),
        ("iam:PutRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-github-plan"),
        ("iam:DeleteRole", f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-github-plan"),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/mlops-dev-github-apply"),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/mlops-dev-terraform-state"),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/mlops-dev-terraform-state-read"),
        ("iam:DeleteOpenIDConnectProvider", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"),
        ("iam:UpdateOpenIDConnectProviderThumbprint", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"),
        ("cloudformation:DeleteStack", STACK_ARN),
        ("cloudformation:UpdateStack", STACK_ARN),
        ("cloudformation:ExecuteChangeSet", STACK_ARN),
    ],
)
def test_apply_role_cannot_change_the_bootstrap_stacks_resources(
    rendered: Renderer, action: str, resource: str
) -> None:
    resource = rendered.attribute("StateKey", "Arn") if resource == "STATE_KEY" else resource
    # Even a request that names the boundary (the bootstrap roles carry it) is refused.
    assert not apply_can(rendered, action, resource, **{"iam:PermissionsBoundary": BOUNDARY_ARN})


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        ("iam:UpdateAssumeRolePolicy", ORG_ROLE, {}),
        ("iam:AttachRolePolicy", ORG_ROLE, {}),
        ("iam:PassRole", ORG_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
        ("iam:PassRole", EXECUTION_ROLE, {"iam:PassedToService": "ec2.amazonaws.com"}),
        ("sts:AssumeRole", ORG_ROLE, {}),
    ],
)
def test_apply_role_cannot_escalate_through_roles_outside_the_platform(
    rendered: Renderer, action: str, resource: str, context: dict[str, str]
) -> None:
    assert not apply_can(rendered, action, resource, **context)


def test_roles_created_with_the_boundary_cannot_escalate_either(rendered: Renderer) -> None:
    # A role the apply role creates carries the boundary; give it an identity policy of "everything" and the
    # boundary alone must still stop the known escalation paths.
    _, boundary = role_policies(rendered, "ApplyRole")
    everything = [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
    org_role = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
    for action in ("iam:UpdateAssumeRolePolicy", "iam:PassRole", "sts:AssumeRole", "iam:AttachRolePolicy"):
        assert not policy_eval.is_allowed(everything, boundary, action, org_role, {}), action
    assert not policy_eval.is_allowed(
        everything, boundary, "iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/mlops-x", {}
    )
    assert not policy_eval.is_allowed(everything, boundary, "organizations:LeaveOrganization", "*", {})


# --- issue 17 item 4 ---
def test_a_role_with_the_boundary_may_build_the_example_consumers_rest_api(rendered: Renderer) -> None:
    """base-infrastructure's <prefix>-consumer-stacks role carries the boundary and creates the consumer's REST API
    (model-deploy-realtime consumer/template.yaml) through CloudFormation: the ceiling must admit API Gateway."""
    _, boundary = role_policies(rendered, "ApplyRole")
    rest_apis = [{"Statement": [{"Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}]}]
    api = f"arn:aws:apigateway:{REGION}::/restapis/a1b2c3d4e5"
    for action in ("apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:GET"):
        assert policy_eval.is_allowed(rest_apis, boundary, action, api, {}), action
    assert policy_eval.is_allowed(rest_apis, boundary, "apigateway:UpdateRestApiPolicy", api, {})
    assert not policy_eval.is_allowed(rest_apis, boundary, "apigateway:SetWebACL", api, {})


# --- end issue 17 item 4 ---


def test_apply_role_never_reads_secret_values(rendered: Renderer) -> None:
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mlops/github/credentials-AbCdEf"
    assert not apply_can(rendered, "secretsmanager:GetSecretValue", secret)
    assert not apply_can(rendered, "ec2:GetPasswordData", "*")


@pytest.mark.parametrize(
    "policy",
    [
        "PermissionsBoundary",
        "ApplyPolicy",
        "ApplyServicesPolicy",
        "PlanPolicy",
        "TerraformStatePolicy",
        "TerraformStateReadPolicy",
    ],
)
def test_managed_policies_fit_the_iam_size_limit(rendered: Renderer, policy: str) -> None:
    # IAM counts managed policy size without whitespace; the limit is 6,144 characters.
    longest = Renderer(
        rendered.template, default_parameters(rendered.template, NamingPrefix="a" * 20, Environment="preprod")
    )
    document = json.dumps(longest.policy(policy), separators=(",", ":"))
    assert len(document) <= 6144, len(document)


# ------------------------------------------------------------------------------------------------ state


def test_state_bucket_name_fits_s3_rules_for_the_longest_inputs(template: dict[str, Any]) -> None:
    renderer = Renderer(template, default_parameters(template, NamingPrefix="a" * 20, Environment="preprod"))
    renderer.pseudo["AWS::Region"] = "ap-southeast-3"
    name = renderer.properties("StateBucket")["BucketName"]
    assert len(name) <= 63
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", name)


def test_state_bucket_is_versioned_kms_encrypted_private_and_owner_enforced(rendered: Renderer) -> None:
    properties = rendered.properties("StateBucket")
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": rendered.attribute("StateKey", "Arn"),
    }
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_current_state_never_expires(rendered: Renderer) -> None:
    for rule in rendered.properties("StateBucket")["LifecycleConfiguration"]["Rules"]:
        assert "ExpirationInDays" not in rule and "ExpirationDate" not in rule


def test_state_bucket_policy_allows_only_tls(rendered: Renderer) -> None:
    # moto cannot decide aws:SecureTransport: the rendered document is what is checked.
    policy = rendered.policy("StateBucketPolicy")
    state = f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert any(
        policy_eval.statement_applies(s, "s3:GetObject", state, {"aws:SecureTransport": "false"}) for s in denies
    )
    assert not any(
        policy_eval.statement_applies(s, "s3:GetObject", state, {"aws:SecureTransport": "true"}) for s in denies
    )


def test_state_bucket_policy_denies_deleting_state_for_everyone(rendered: Renderer) -> None:
    policy = rendered.policy("StateBucketPolicy")
    state = f"arn:aws:s3:::{STATE_BUCKET}/base-infrastructure/dev.tfstate"
    secure = {"aws:SecureTransport": "true"}
    deny = [s for s in policy["Statement"] if s["Effect"] == "Deny" and s["Principal"] == "*"]
    assert any(policy_eval.statement_applies(s, "s3:DeleteObject", state, secure) for s in deny)
    assert any(policy_eval.statement_applies(s, "s3:DeleteObjectVersion", state, secure) for s in deny)
    # Terraform's S3-native lockfile (use_lockfile) must still be removable.
    assert not any(policy_eval.statement_applies(s, "s3:DeleteObject", f"{state}.tflock", secure) for s in deny)


def test_access_log_bucket_accepts_logs_only_from_the_state_bucket(rendered: Renderer) -> None:
    policy = rendered.policy("StateAccessLogBucketPolicy")
    (grant,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert grant["Action"] == "s3:PutObject"
    assert grant["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:s3:::{STATE_BUCKET}"
    assert grant["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    assert rendered.properties("StateBucket")["LoggingConfiguration"]["DestinationBucketName"] == rendered.physical(
        "StateAccessLogBucket"
    )


@pytest.mark.parametrize(
    "logical_id", ["StateBucket", "StateAccessLogBucket", "LockTable", "StateKey", "GitHubOidcProvider"]
)
def test_stateful_resources_survive_stack_deletion_and_replacement(template: dict[str, Any], logical_id: str) -> None:
    resource = template["Resources"][logical_id]
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_lock_table_is_on_demand_recoverable_encrypted_and_protected(rendered: Renderer) -> None:
    properties = rendered.properties("LockTable")
    assert properties["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [{"AttributeName": "LockID", "AttributeType": "S"}]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["KMSMasterKeyId"] == rendered.attribute("StateKey", "Arn")
    assert properties["DeletionProtectionEnabled"] is True


def test_state_key_rotates(rendered: Renderer) -> None:
    assert rendered.properties("StateKey")["EnableKeyRotation"] is True


def test_outputs_give_the_workflows_everything_they_need(template: dict[str, Any]) -> None:
    needed = {
        "StateBucketName",
        "LockTableName",
        "StateKmsKeyArn",
        "PlanRoleArn",
        "ApplyRoleArn",
        "OidcProviderArn",
        "PermissionsBoundaryArn",
        "Region",
        "AccountId",
        "Environment",
    }
    assert needed <= set(template["Outputs"])
