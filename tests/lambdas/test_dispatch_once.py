"""One approval, one dispatch (issue 15, item 7): one rule routes approvals, and each model package version and
status dispatches at most once however often the event is delivered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platform_cli.lambdas.trigger_workflow import Claims, handle_event
from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.harness import TERRAFORM_SRC
from tests.lambdas.test_trigger_workflow import ARN, approval, provisioned, settings
from tests.provisioning.conftest import ProvisioningOrg

__all__ = ["provisioned"]
TABLE = "mlops-dispatches"


@pytest.fixture
def claims() -> Iterator[Claims]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield Claims(dynamodb, TABLE)


def test_the_same_approval_delivered_twice_dispatches_once(provisioned: ProvisioningOrg, claims: Claims) -> None:
    porg = provisioned
    first = handle_event(approval(), porg.client(), settings(porg), claims)
    second = handle_event(approval(), porg.client(), settings(porg), claims)
    assert first.dispatched and not second.dispatched
    assert second.reason == "already dispatched for this model package version and status"
    assert len(porg.forge.admin.dispatches(f"{porg.login}/churn-p-abc123def456-deploy")) == 1


def test_another_version_of_the_package_dispatches_again(provisioned: ProvisioningOrg, claims: Claims) -> None:
    porg = provisioned
    handle_event(approval(), porg.client(), settings(porg), claims)
    newer = approval()
    newer["detail"]["ModelPackageArn"] = ARN.removesuffix("/3") + "/4"
    assert handle_event(newer, porg.client(), settings(porg), claims).dispatched


def test_a_failed_dispatch_releases_its_claim_so_the_retry_dispatches(
    provisioned: ProvisioningOrg, claims: Claims, monkeypatch: pytest.MonkeyPatch
) -> None:
    from github.Workflow import Workflow

    porg = provisioned
    real = Workflow.create_dispatch

    def refuse(self: Workflow, *args: Any, **kwargs: Any) -> bool:
        return False

    monkeypatch.setattr(Workflow, "create_dispatch", refuse)
    with pytest.raises(Exception, match="refused to dispatch"):
        handle_event(approval(), porg.client(), settings(porg), claims)
    monkeypatch.setattr(Workflow, "create_dispatch", real)
    assert handle_event(approval(), porg.client(), settings(porg), claims).dispatched


def test_one_rule_targets_the_trigger_lambda_and_the_lambda_can_claim() -> None:
    lambdas = tf_policies.terraform_file("project_lambdas").read_text()
    assert lambdas.count('resource "aws_cloudwatch_event_rule"') == 1
    assert 'MLOPS_DISPATCH_TABLE    = "${var.name_prefix}-dispatches"' in lambdas
    assert '"dynamodb:PutItem", "dynamodb:DeleteItem"' in lambdas
    bootstrap = (TERRAFORM_SRC.parents[1] / "bootstrap.yaml").read_text()
    assert "table/${NamingPrefix}-dispatches" in bootstrap  # the apply role may create exactly that table
