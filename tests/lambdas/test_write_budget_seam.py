"""The shared write budget's table: Terraform creates it and tells both Lambdas (they write with one credential) its
name, the bootstrap apply role may manage it, and the Lambdas' settings read the variable Terraform sets."""

from __future__ import annotations

import re
from pathlib import Path

from platform_cli.lambdas.settings import LambdaSettings

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "base-infrastructure" / "terraform" / "modules" / "project_lambdas" / "main.tf"


def test_the_lambda_reads_the_table_terraform_names() -> None:
    main = MODULE.read_text(encoding="utf-8")
    variable = re.search(r"(MLOPS_\w+)\s*=\s*aws_dynamodb_table\.write_budget\.name", main)
    assert variable is not None
    settings = LambdaSettings.from_env(
        {"MLOPS_GITHUB_ORG": "acme", "MLOPS_GITHUB_CREDENTIALS_ARN": "arn:secret", variable.group(1): "budget"}
    )
    assert settings.write_budget_table == "budget"


def test_the_apply_role_may_manage_the_table_terraform_creates() -> None:
    main = MODULE.read_text(encoding="utf-8")
    name = re.search(r'resource "aws_dynamodb_table" "write_budget" \{.*?name\s*=\s*"([^"]+)"', main, re.S)
    assert name is not None and name.group(1) == "${var.name_prefix}-github-write-budget"
    bootstrap = (ROOT / "bootstrap.yaml").read_text(encoding="utf-8")
    # base-infrastructure passes naming_prefix as the module's name_prefix (the bootstrap's NamingPrefix).
    assert ":table/${NamingPrefix}-github-write-budget" in bootstrap


def test_the_budget_key_names_the_credential_never_its_value() -> None:
    settings = LambdaSettings(github_org="acme", credentials_secret_id="arn:aws:secretsmanager:eu-west-1:1:secret:gh")
    assert settings.write_budget_key == "https://api.github.com|arn:aws:secretsmanager:eu-west-1:1:secret:gh"


def test_every_function_writing_with_the_credential_is_told_the_table() -> None:
    """The dispatch writes with the provisioning's credential: both functions get the one environment map."""
    from tests.base_infrastructure import tf_policies

    environment = tf_policies.module_locals("project_lambdas")["environment_variables"]
    environment = environment[0] if isinstance(environment, list) else environment
    assert environment["MLOPS_WRITE_BUDGET_TABLE"] == "${aws_dynamodb_table.write_budget.name}"
    main = MODULE.read_text(encoding="utf-8")
    assert "variables = local.environment_variables" in main
    policy = re.search(r'resource "aws_iam_role_policy" "write_budget" \{\s*for_each\s*=\s*local\.functions', main)
    assert policy is not None, "each function's role may use the budget table"
