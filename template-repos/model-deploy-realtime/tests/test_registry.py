from __future__ import annotations

import pytest

from deploy import local, registry
from deploy.errors import DeployError
from deploy.stage import Clients


def test_a_dispatched_approved_package_is_deployed_as_given(clients: Clients) -> None:
    arn = local.register_package(clients.sagemaker)
    assert registry.resolve(clients.sagemaker, local.GROUP, arn) == arn


def test_a_dispatched_package_that_is_not_approved_is_refused(clients: Clients) -> None:
    arn = local.register_package(clients.sagemaker, status="PendingManualApproval")
    with pytest.raises(DeployError, match="PendingManualApproval, not Approved"):
        registry.resolve(clients.sagemaker, local.GROUP, arn)


def test_without_an_arn_the_latest_approved_package_is_chosen(clients: Clients) -> None:
    local.register_package(clients.sagemaker)
    latest = local.register_package(clients.sagemaker)
    local.register_package(clients.sagemaker, status="Rejected")
    assert registry.resolve(clients.sagemaker, local.GROUP, None) == latest


def test_an_empty_group_says_what_to_do(clients: Clients) -> None:
    clients.sagemaker.create_model_package_group(ModelPackageGroupName=local.GROUP)
    with pytest.raises(DeployError, match="run the build pipeline and approve one"):
        registry.resolve(clients.sagemaker, local.GROUP, None)


def test_the_version_is_read_from_the_arn() -> None:
    assert registry.version_of("arn:aws:sagemaker:eu-west-1:1:model-package/churn-p-x/12") == "12"
