"""GitHub OIDC for real: the forge mints GitHub-style ID tokens; local STS verifies signature, expiry and audience
against the registered provider, then bootstrap.yaml's own trust policy decides. Only the base-infrastructure
repo's job bound to the account's environment becomes the apply role; that role cannot create a role without the
platform's permissions boundary."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws
from platform_cli.local.forge.oidc import GITHUB_ISSUER, OidcIssuer
from tests.bootstrap.template import ACCOUNT, Renderer, default_parameters, load_template
from tests.fixtures.forge import ForgeEnv
from tests.local.aws.iam.conftest import denial, document

OIDC_URL = GITHUB_ISSUER.removeprefix("https://")


@dataclass(frozen=True)
class ApplyRole:
    arn: str
    boundary_arn: str
    repository: str  # owner/name the trust policy names
    environment: str
    naming_prefix: str


@pytest.fixture(scope="module")
def apply_role(strict_aws: LocalAws, forge: ForgeEnv) -> Iterator[ApplyRole]:
    """bootstrap.yaml's apply role, boundary and policies, rendered for the dev account and created in local AWS."""
    assert strict_aws.info().accounts["dev"] == ACCOUNT, "the rendered template's account is local AWS's dev"
    strict_aws.trust_issuer(GITHUB_ISSUER, forge.url)
    template = load_template()
    parameters = default_parameters(template)
    rendered = Renderer(template, parameters)
    iam = strict_aws.session_for("dev").client("iam")
    iam.create_open_id_connect_provider(
        Url=GITHUB_ISSUER, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["0" * 40]
    )
    for logical_id in ("PermissionsBoundary", "ApplyServicesPolicy", "ApplyPolicy", "TerraformStatePolicy"):
        iam.create_policy(
            PolicyName=rendered.properties(logical_id)["ManagedPolicyName"],
            PolicyDocument=json.dumps(rendered.policy(logical_id)),
        )
    role = rendered.properties("ApplyRole")
    created = iam.create_role(
        RoleName=role["RoleName"],
        AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]),
        PermissionsBoundary=role["PermissionsBoundary"],
    )["Role"]
    for policy_arn in role["ManagedPolicyArns"]:
        iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=policy_arn)
    yield ApplyRole(
        arn=created["Arn"],
        boundary_arn=role["PermissionsBoundary"],
        repository=f"{parameters['GitHubOrg']}/{parameters['GitHubRepo']}",
        environment=parameters["Environment"],
        naming_prefix=parameters["NamingPrefix"],
    )


def _assume(local: LocalAws, role_arn: str, token: str) -> dict[str, Any]:
    sts = boto3.client("sts", endpoint_url=local.info().endpoint_url, region_name=local.region)
    credentials: dict[str, Any] = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="github-actions", WebIdentityToken=token
    )["Credentials"]
    return credentials


def _refused(local: LocalAws, role_arn: str, token: str) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as refused:
        _assume(local, role_arn, token)
    return denial(refused)


def test_the_forge_serves_its_key_set_and_discovery_at_githubs_paths(forge: ForgeEnv) -> None:
    import requests

    discovery = requests.get(f"{forge.url}/.well-known/openid-configuration", timeout=5).json()
    jwks = requests.get(f"{forge.url}/.well-known/jwks", timeout=5).json()

    assert discovery["issuer"] == GITHUB_ISSUER
    assert discovery["id_token_signing_alg_values_supported"] == ["RS256"]
    assert [(k["kty"], k["alg"]) for k in jwks["keys"]] == [("RSA", "RS256")]


def test_a_token_forms_sub_as_github_does_for_environment_pull_request_and_branch(forge: ForgeEnv) -> None:
    import jwt

    def sub(**kwargs: Any) -> str:
        claims = jwt.decode(forge.admin.id_token("acme/repo", **kwargs), options={"verify_signature": False})
        assert claims["aud"] == "sts.amazonaws.com"
        assert claims["iss"] == GITHUB_ISSUER
        return str(claims["sub"])

    assert sub(environment="prod") == "repo:acme/repo:environment:prod"
    assert sub(pull_request=True) == "repo:acme/repo:pull_request"
    assert sub(ref="refs/heads/feature") == "repo:acme/repo:ref:refs/heads/feature"


def test_the_base_infrastructure_jobs_token_for_its_environment_assumes_the_apply_role(
    strict_aws: LocalAws, forge: ForgeEnv, apply_role: ApplyRole
) -> None:
    token = forge.admin.id_token(apply_role.repository, environment=apply_role.environment)

    credentials = _assume(strict_aws, apply_role.arn, token)

    assert credentials["AccessKeyId"]


@pytest.mark.parametrize(
    "token_for",
    [
        pytest.param({"repository": "acme/other-repo", "environment": "dev"}, id="another-repo"),
        pytest.param({"environment": "prod"}, id="another-environment"),
        pytest.param({"pull_request": True}, id="pull-request"),
        pytest.param({"ref": "refs/heads/main"}, id="branch-without-environment"),
    ],
)
def test_a_token_for_another_repo_environment_or_a_pull_request_cannot_assume_the_apply_role(
    strict_aws: LocalAws, forge: ForgeEnv, apply_role: ApplyRole, token_for: dict[str, Any]
) -> None:
    repository = token_for.pop("repository", apply_role.repository)
    token = forge.admin.id_token(repository, **token_for)

    assert _refused(strict_aws, apply_role.arn, token) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        403,
    )


def test_a_token_signed_by_another_key_is_an_invalid_identity_token(
    strict_aws: LocalAws, apply_role: ApplyRole, tmp_path: Path
) -> None:
    forged = OidcIssuer(tmp_path).mint(apply_role.repository, environment=apply_role.environment)

    code, _, status = _refused(strict_aws, apply_role.arn, forged)

    assert (code, status) == ("InvalidIdentityToken", 400)


def test_an_expired_token_is_refused(strict_aws: LocalAws, forge: ForgeEnv, apply_role: ApplyRole) -> None:
    issuer = OidcIssuer(Path(forge.server.state_dir))  # the forge's own key: only the expiry is wrong
    expired = issuer.mint(apply_role.repository, environment=apply_role.environment, now=time.time() - 3600)

    code, message, _ = _refused(strict_aws, apply_role.arn, expired)

    assert code == "ExpiredTokenException"
    assert "expired" in message.lower()


def test_a_token_for_another_audience_is_refused(strict_aws: LocalAws, forge: ForgeEnv, apply_role: ApplyRole) -> None:
    token = forge.admin.id_token(apply_role.repository, environment=apply_role.environment, audience="api://other")

    assert _refused(strict_aws, apply_role.arn, token)[:2] == ("InvalidIdentityToken", "Incorrect token audience")


def test_the_apply_role_cannot_create_a_role_without_the_permissions_boundary(
    strict_aws: LocalAws, forge: ForgeEnv, apply_role: ApplyRole
) -> None:
    credentials = _assume(
        strict_aws, apply_role.arn, forge.admin.id_token(apply_role.repository, environment=apply_role.environment)
    )
    iam = boto3.client(
        "iam",
        endpoint_url=strict_aws.info().endpoint_url,
        region_name=strict_aws.region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    name = f"{apply_role.naming_prefix}-dev-unbounded"
    trust = document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})

    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    bounded = iam.create_role(
        RoleName=f"{apply_role.naming_prefix}-dev-bounded",
        AssumeRolePolicyDocument=trust,
        PermissionsBoundary=apply_role.boundary_arn,
    )

    code, message, _ = denial(refused)
    assert code == "AccessDenied"
    assert f"iam:CreateRole on resource: arn:aws:iam::{ACCOUNT}:role/{name}" in message
    # iam:PermissionsBoundary of PutRolePolicy is the boundary the role already has: the bounded role is manageable
    iam.put_role_policy(
        RoleName=bounded["Role"]["RoleName"],
        PolicyName="logs",
        PolicyDocument=document({"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"}),
    )
    assert bounded["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == apply_role.boundary_arn
