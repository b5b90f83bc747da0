"""The rehearsal's Terraform runs as the principal it is in production: with the apply role's credentials it
assumes nothing further (no member administrator in the provider or the backend)."""

from __future__ import annotations

from platform_cli.local import base_infra
from tests.bootstrap.template import load_template

OUTPUTS = base_infra.BootstrapOutputs(
    state_bucket="b", lock_table="t", permissions_boundary_arn="arn:aws:iam::1:policy/p"
)


def test_with_the_apply_roles_credentials_neither_provider_nor_backend_assumes_the_member_role() -> None:
    provider = base_infra.provider_override("http://127.0.0.1:1", "111111111111", assume_member_role=False)
    backend = base_infra.backend_config(
        "http://127.0.0.1:1", "111111111111", "eu-west-1", "unit", "dev", OUTPUTS, assume_member_role=False
    )

    assert "assume_role" not in provider
    assert "assume_role" not in backend
    assert "OrganizationAccountAccessRole" not in provider + backend


def test_without_credentials_terraform_still_assumes_the_member_role() -> None:
    provider = base_infra.provider_override("http://127.0.0.1:1", "111111111111")

    assert 'role_arn = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"' in provider


def test_the_bootstrap_output_the_rehearsal_assumes_is_the_apply_role() -> None:
    outputs = load_template()["Outputs"]

    assert outputs["ApplyRoleArn"]["Value"] == {"Fn::GetAtt": ["ApplyRole", "Arn"]}
