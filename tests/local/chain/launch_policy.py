"""The Service Catalog launch role's policy as the project_templates Terraform module writes it, for a local
catalogue's values (its actions derived from the resource provider schemas: rendered/launch-permissions.json)."""

from __future__ import annotations

import json
from typing import Any

from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements

MODULE = REPO / "base-infrastructure" / "terraform" / "modules" / "project_templates" / "main.tf"
LAUNCH_PERMISSIONS = REPO / "base-infrastructure" / "project-templates" / "rendered" / "launch-permissions.json"


def launch_policy_statements(
    account: str, region: str, variables: dict[str, Any], lacking: str | None = None
) -> list[dict[str, Any]]:
    """The launch policy's statements; ``lacking`` removes one action from them (a role missing one permission)."""
    actions = json.loads(LAUNCH_PERMISSIONS.read_text(encoding="utf-8"))["actions"]
    values: dict[str, Any] = {
        "local.partition": "aws",
        "local.account": account,
        "local.region": region,
        "local.launch_iam_actions": [a for a in actions if a.startswith("iam:")],
        "local.launch_other_actions": [a for a in actions if not a.startswith("iam:")],
        **{f"var.{name}": value for name, value in variables.items()},
    }
    statements = policy_statements(MODULE, "aws_iam_role_policy", "launch", values)
    if lacking is not None:
        for statement in statements:
            listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [action for action in listed if action != lacking]
        statements = [statement for statement in statements if statement["Action"]]
        assert all(lacking not in s["Action"] for s in statements)
    return statements


def bootstrap_boundary(iam: Any, account: str, naming_prefix: str) -> str:
    """The bootstrap's permissions boundary (``<prefix>-dev-permissions-boundary``, rendered from bootstrap.yaml)
    in the account, created once; its ARN. The launch role and the roles a project stack creates carry it."""
    from tests.bootstrap import template as bootstrap

    name = f"{naming_prefix}-dev-permissions-boundary"
    arn = f"arn:aws:iam::{account}:policy/{name}"
    try:
        iam.get_policy(PolicyArn=arn)
    except iam.exceptions.NoSuchEntityException:
        loaded = bootstrap.load_template()
        renderer = bootstrap.Renderer(loaded, bootstrap.default_parameters(loaded, NamingPrefix=naming_prefix))
        document = renderer.properties("PermissionsBoundary")["PolicyDocument"]
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))
    return arn
