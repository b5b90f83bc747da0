"""Terraform proof: the base infrastructure's resources that the moto extensions serve apply, re-plan with no
changes and destroy against local AWS (the real terraform binary and AWS provider)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws

from .conftest import TerraformRunner

CONFIG = Path(__file__).with_name("terraform") / "main.tf"


@pytest.mark.slow
def test_sagemaker_and_service_catalog_resources_apply_replan_unchanged_and_destroy(
    clean_local_aws: LocalAws, terraform: TerraformRunner, tmp_path: Path
) -> None:
    shutil.copy(CONFIG, tmp_path / "main.tf")
    init = terraform("init", "-input=false", cwd=tmp_path)
    assert init.returncode == 0, init.stderr

    apply = terraform("apply", "-auto-approve", "-input=false", cwd=tmp_path)
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr
    outputs = json.loads(terraform("output", "-json", cwd=tmp_path).stdout)
    domain_id, product_id = outputs["domain_id"]["value"], outputs["product_id"]["value"]

    session = clean_local_aws.session_for("dev")
    sagemaker, catalog = session.client("sagemaker"), session.client("servicecatalog")
    assert sagemaker.describe_domain(DomainId=domain_id)["Status"] == "InService"
    profile = sagemaker.describe_user_profile(DomainId=domain_id, UserProfileName="lead-data-scientist")
    assert profile["Status"] == "InService"
    [portfolio] = catalog.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]
    constraints = catalog.list_constraints_for_portfolio(PortfolioId=portfolio["Id"])["ConstraintDetails"]
    assert [c["Type"] for c in constraints] == ["LAUNCH"]
    assert len(catalog.list_principals_for_portfolio(PortfolioId=portfolio["Id"])["Principals"]) == 1

    plan = terraform("plan", "-detailed-exitcode", "-input=false", cwd=tmp_path)
    assert plan.returncode == 0, f"a second plan wants changes:\n{plan.stdout[-3000:]}{plan.stderr}"

    destroy = terraform("destroy", "-auto-approve", "-input=false", cwd=tmp_path)
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr
    with pytest.raises(ClientError):
        sagemaker.describe_domain(DomainId=domain_id)
    with pytest.raises(ClientError):
        catalog.describe_product_as_admin(Id=product_id)
    assert catalog.list_portfolios()["PortfolioDetails"] == []
