"""The workflow-trigger Lambda writes with the provisioning's credential, so its dispatch draws from the same shared
write budget (the DynamoDB ledger Terraform names in ``MLOPS_WRITE_BUDGET_TABLE``), through its real entry point."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from platform_cli.github.budget import GITHUB_WINDOWS, DynamoDbStore, Ledger
from platform_cli.lambdas import project_repos, trigger_workflow
from platform_cli.lambdas.exceptions import DispatchFailedError
from platform_cli.lambdas.jsonlog import reset
from platform_cli.lambdas.settings import LambdaSettings
from tests.lambdas.conftest import FakeContext
from tests.lambdas.test_trigger_workflow import approval, provisioned
from tests.provisioning.conftest import ProvisioningOrg

__all__ = ["provisioned"]
TABLE = "mlops-github-write-budget"


@pytest.fixture
def deployed(
    provisioned: ProvisioningOrg, clean_local_aws: Any, local_aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[ProvisioningOrg]:
    porg = provisioned
    arn = boto3.client("secretsmanager").create_secret(
        Name="mlops/github/credentials", SecretString=json.dumps({"kind": "pat", "token": porg.org.token})
    )["ARN"]
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for name, value in {
        "MLOPS_GITHUB_ORG": porg.login,
        "MLOPS_GITHUB_CREDENTIALS_ARN": arn,
        "MLOPS_GITHUB_API_URL": porg.forge.api_url,
        "MLOPS_WRITE_BUDGET_TABLE": TABLE,
    }.items():
        monkeypatch.setenv(name, value)
    project_repos.reset_dependencies()
    yield porg
    project_repos.reset_dependencies()
    reset()


def _ledger(settings: LambdaSettings) -> Ledger:
    item = boto3.client("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": settings.write_budget_key}})
    stamps = item.get("Item", {}).get("stamps", {}).get("NS", [])
    return Ledger(stamps=tuple(sorted(float(s) for s in stamps)))


def test_a_dispatch_is_admitted_by_the_credentials_shared_budget(deployed: ProvisioningOrg) -> None:
    settings = LambdaSettings.from_env()
    before = time.time()
    outcome = trigger_workflow.handler(approval(), FakeContext(30_000))
    assert outcome["dispatched"]
    stamps = _ledger(settings).stamps
    assert len(stamps) == 1 and stamps[0] >= before  # the one write of the dispatch, in the provisioning's ledger


def test_a_dispatch_waits_for_the_budget_others_used_up_and_fails_for_a_retry_rather_than_overrun(
    deployed: ProvisioningOrg,
) -> None:
    settings = LambdaSettings.from_env()
    store = DynamoDbStore(boto3.client("dynamodb"), TABLE, settings.write_budget_key)
    now = time.time()
    full = Ledger(stamps=tuple(round(now - 1 + i * 1e-3, 6) for i in range(GITHUB_WINDOWS[0].limit)))
    store.update(lambda ledger: (full, 0.0))  # the provisioning of many projects used this minute's budget
    with pytest.raises(DispatchFailedError, match="write budget for this credential is in use"):
        trigger_workflow.handler(approval(), FakeContext(10_000))
    assert deployed.forge.admin.dispatches(f"{deployed.login}/churn-p-abc123def456-deploy") == []
