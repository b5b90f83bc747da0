"""The persona policy allows what Studio asks for as the persona when it creates a project and shows its outcome
(``platform_cli.local.project_chain.STUDIO_ACTIONS``, the calls the local chain makes as the persona), and no
CloudFormation read: Studio reads a launch's outputs through Service Catalog. The personas' Studio sessions carry
their user profile as source identity: the domain asks for it, and the roles' trust lets SageMaker set it."""

from __future__ import annotations

import ast

import pytest

from platform_cli.local.project_chain import STUDIO_ACTIONS
from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.test_least_privilege import SAGEMAKER, _persona_statements
from tests.bootstrap import policy_eval

PERSONAS = ("data-scientist", "lead-data-scientist")


def _resource(action: str) -> str:
    """The resource Studio names: a SageMaker project's ARN for project calls, else any."""
    return f"{SAGEMAKER}:project/churn" if action.startswith("sagemaker:") else "*"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", STUDIO_ACTIONS)
def test_the_persona_may_make_each_call_studio_makes_to_launch_a_project(persona: str, action: str) -> None:
    policy = {"Statement": _persona_statements(persona)}

    assert policy_eval.is_allowed([policy], None, action, _resource(action))


def test_studio_creates_projects_through_sagemaker() -> None:
    """The local chain creates a project as Studio does (CreateProject), not by launching the product itself."""
    assert {"sagemaker:CreateProject", "sagemaker:DescribeProject", "sagemaker:DeleteProject"} <= set(STUDIO_ACTIONS)


def test_the_studio_domain_names_the_user_profile_as_the_sessions_source_identity() -> None:
    """Producer of what SageMaker records as a project's creator (CreatedBy.UserProfileName), which the provisioning
    Lambda binds the requester to (platform_cli/lambdas/studio_user.py)."""
    studio = tf_policies.terraform_file("sagemaker_studio").read_text()
    assert 'execution_role_identity_config = "USER_PROFILE_NAME"' in studio


def test_the_persona_roles_let_sagemaker_set_the_source_identity() -> None:
    """AWS refuses a Studio session of a role whose trust lacks sts:SetSourceIdentity once the domain sets it."""
    [raw] = tf_policies.module_locals("iam")["sagemaker_trust"]  # "${jsonencode({...})}", python-hcl2's rendering
    document = ast.literal_eval(raw.removeprefix("${jsonencode(").removesuffix(")}"))
    [statement] = document["Statement"]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert {"sts:AssumeRole", "sts:SetSourceIdentity"} <= set(statement["Action"])
    personas = tf_policies.terraform_file("iam", "personas.tf").read_text()
    assert "assume_role_policy   = local.sagemaker_trust" in personas
