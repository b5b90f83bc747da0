"""The contract between the base infrastructure and its readers, read from the Terraform with python-hcl2:
the /mlops SSM parameters, typed and described variables, and the outputs the CLI and workflows use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.base_infrastructure.harness import REPO, TERRAFORM_SRC

# The names fixed across the project (BRIEF.md, "SSM parameter contract").
SSM_CONTRACT = {
    "/mlops/environment",
    "/mlops/naming_prefix",
    "/mlops/region",
    "/mlops/accounts/dev",
    "/mlops/accounts/preprod",
    "/mlops/accounts/prod",
    "/mlops/network/vpc_id",
    "/mlops/network/private_subnet_ids",
    "/mlops/network/security_group_id",
    "/mlops/kms/artifacts_key_arn",
    "/mlops/s3/artifact_bucket",
    "/mlops/s3/data_bucket",
    "/mlops/sagemaker/domain_id",
    "/mlops/sagemaker/execution_role_arn",
    "/mlops/sagemaker/pipeline_role_arn",
    "/mlops/github/org",
    "/mlops/github/credentials_secret_arn",
    "/mlops/lambda/project_repos_arn",
    "/mlops/lambda/trigger_workflow_arn",
    # issue 17 item 4: the example consumer's CloudFormation role and the boundary its function role carries
    "/mlops/iam/consumer_stacks_role_arn",
    "/mlops/iam/permissions_boundary_arn",
}
# Outputs read by the CLI (`mlops github set-credentials`, project provisioning) and by the tests/bench.
ROOT_OUTPUTS = {
    "environment",
    "account_id",
    "region",
    "vpc_id",
    "private_subnet_ids",
    "security_group_id",
    "kms_key_arns",
    "artifact_bucket",
    "data_bucket",
    "sagemaker_domain_id",
    "sagemaker_execution_role_arn",
    "sagemaker_pipeline_role_arn",
    "github_deploy_role_arn",
    "github_build_role_arn",
    "github_credentials_secret_arn",
    "project_repos_lambda_arn",
    "trigger_workflow_lambda_arn",
    "service_catalog_portfolio_id",
    "studio_template_urls",
    "ssm_parameter_names",
}
READERS = (
    REPO / "base-infrastructure" / "project-templates",
    REPO / "template-repos",
    REPO / "platform_cli",
)
TF_FILES = sorted(p for p in TERRAFORM_SRC.rglob("*.tf") if ".terraform" not in p.parts)


def first(value: Any) -> Any:
    """python-hcl2 wraps attribute values in one-element lists."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def blocks(kind: str, files: list[Path] = TF_FILES) -> list[tuple[Path, str, dict[str, Any]]]:
    found = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            document = hcl2.load(handle)
        for block in document.get(kind, []):
            for name, body in block.items():
                found.append((path, name, body))
    return found


def published_parameters() -> set[str]:
    with (TERRAFORM_SRC / "modules" / "ssm" / "main.tf").open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    parameters = first(next(b["parameters"] for b in document["locals"] if "parameters" in b))
    return set(parameters)


def test_the_ssm_module_publishes_exactly_the_contract_names() -> None:
    assert published_parameters() == SSM_CONTRACT


def test_the_ssm_parameters_are_created_from_that_map() -> None:
    resources = blocks("resource", [TERRAFORM_SRC / "modules" / "ssm" / "main.tf"])
    contract = next(body["contract"] for _, kind, body in resources if kind == "aws_ssm_parameter")
    assert first(contract["for_each"]) == "${local.parameters}"
    assert first(contract["name"]) == "${each.key}"


def test_every_mlops_parameter_a_reader_uses_is_published() -> None:
    pattern = re.compile(r"/mlops/[a-z0-9_]+(?:/[a-z0-9_]+)*(?![a-z0-9_/{])")
    used: dict[str, set[str]] = {}
    for root in READERS:
        for path in root.rglob("*"):
            if path.suffix in {".py", ".yaml", ".yml", ".j2", ".json", ".sh"} and path.is_file():
                for name in pattern.findall(path.read_text(encoding="utf-8", errors="ignore")):
                    used.setdefault(name, set()).add(str(path.relative_to(REPO)))
    assert used, "no reader of the contract found"
    missing = {name: sorted(paths) for name, paths in used.items() if name not in SSM_CONTRACT}
    assert not missing


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(TERRAFORM_SRC)))
def test_every_variable_is_typed_and_described(path: Path) -> None:
    for _, name, body in blocks("variable", [path]):
        assert "type" in body, f"{path.name}: variable {name} has no type"
        description = first(body.get("description", ""))
        assert isinstance(description, str) and len(description) >= 15, f"{path.name}: variable {name} undescribed"


def test_every_output_is_described() -> None:
    for path, name, body in blocks("output"):
        assert len(first(body.get("description", ""))) >= 10, f"{path}: output {name} undescribed"


def test_the_root_produces_the_outputs_readers_use() -> None:
    outputs = {name for _, name, _ in blocks("output", [TERRAFORM_SRC / "outputs.tf"])}
    assert outputs >= ROOT_OUTPUTS


def test_fixed_values_are_validated() -> None:
    """Account ids, CIDRs, environment names and template names are checked where they enter."""
    validated = {(path.parent.name, name) for path, name, body in blocks("variable") if body.get("validation")}
    for expected in [
        ("terraform", "platform_config_path"),  # account ids, region, org, template names inside platform.yaml
        ("terraform", "environment"),
        ("terraform", "vpc_cidr"),
        ("networking", "vpc_cidr"),
        ("ssm", "accounts"),
        ("deploy_targets", "accounts"),
        ("project_templates", "enabled_templates"),
        ("iam", "environment"),
    ]:
        assert expected in validated, expected


def test_no_timestamp_no_archive_file_and_no_secret_value_in_terraform() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in TF_FILES)
    assert "timestamp()" not in text
    assert "archive_file" not in text
    assert 'resource "aws_secretsmanager_secret_version"' not in text
    assert "filebase64sha256(var.lambda_zip_path)" in text


def test_every_arn_is_partition_aware() -> None:
    for path in TF_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert '"arn:aws:' not in line, f"{path.relative_to(TERRAFORM_SRC)}:{number}: hard-coded partition"
