"""What the apply role can and cannot do with the GitHub credential (issue 15, item 4), evaluated on the rendered
bootstrap policies. The precise guarantee (README, security): the apply role never reads the credential, never
runs the Lambdas that read it and never makes their roles its own; it does deploy their code, so the credential is
as safe as the review of base-infrastructure's main branch and its deploy environments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bootstrap.template import ACCOUNT, REGION, Renderer, default_parameters, load_template
from tests.bootstrap.test_template import apply_can

SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mlops/github/credentials-AbCdEf"
READERS = ("mlops-project-repos", "mlops-trigger-workflow")


@pytest.fixture(scope="module")
def rendered() -> Renderer:
    template: dict[str, Any] = load_template()
    return Renderer(template, default_parameters(template))


def test_the_apply_role_never_reads_the_credential(rendered: Renderer) -> None:
    assert not apply_can(rendered, "secretsmanager:GetSecretValue", SECRET)


@pytest.mark.parametrize("function", READERS)
@pytest.mark.parametrize("action", ["lambda:InvokeFunction", "lambda:CreateFunctionUrlConfig"])
def test_the_apply_role_never_runs_a_credential_reader(rendered: Renderer, function: str, action: str) -> None:
    assert not apply_can(rendered, action, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}")


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("action", ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"])
def test_the_apply_role_never_makes_a_reader_role_its_own(rendered: Renderer, role: str, action: str) -> None:
    assert not apply_can(rendered, action, f"arn:aws:iam::{ACCOUNT}:role/{role}")


def test_the_apply_role_still_deploys_the_lambdas_as_reviewed(rendered: Renderer) -> None:
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mlops-project-repos"
    assert apply_can(rendered, "lambda:UpdateFunctionCode", function)
    assert apply_can(rendered, "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/mlops-github-deploy")


# -- 6. the apply role holds what the base infrastructure applies, not whole services ---------------------------


def _apply_statement(rendered: Renderer, sid: str) -> dict[str, Any]:
    policy = rendered.policy("ApplyServicesPolicy")
    return next(s for s in policy["Statement"] if s.get("Sid") == sid)


def test_the_apply_role_holds_exactly_the_derived_actions_of_the_services_without_resource_ids(
    rendered: Renderer,
) -> None:
    from tests.bootstrap.apply_actions import derived_actions

    actions = _apply_statement(rendered, "ServicesWithUnknownResourceIds")["Action"]
    assert sorted(a for a in actions if a != "sts:GetCallerIdentity") == derived_actions()
    assert not [a for a in actions if a.endswith(":*")]


@pytest.mark.parametrize(
    "action",
    [
        "sagemaker:CreatePresignedDomainUrl",
        "sagemaker:UpdateModelPackage",
        "sagemaker:CreateTrainingJob",
        "sagemaker:InvokeEndpoint",
        "ec2:RunInstances",
        "kms:ReEncryptFrom",
        "logs:PutSubscriptionFilter",
    ],
)
def test_the_apply_role_cannot_use_services_beyond_what_it_applies(rendered: Renderer, action: str) -> None:
    assert not apply_can(rendered, action, "*")


@pytest.mark.parametrize(
    "action", ["ec2:CreateVpc", "kms:CreateKey", "sagemaker:CreateDomain", "servicecatalog:CreatePortfolio"]
)
def test_the_apply_role_still_creates_the_base_infrastructure(rendered: Renderer, action: str) -> None:
    assert apply_can(rendered, action, "*")
