"""``mlops project`` and ``mlops github set-credentials`` on local AWS + the forge: the CLI plays CloudFormation
(pre-signed S3 response URL against local AWS) through the real custom-resource handler."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from typer.testing import CliRunner

from platform_cli.cli.main import app
from tests.provisioning.conftest import ProvisioningOrg

runner = CliRunner()


@pytest.fixture
def workspace(
    porg: ProvisioningOrg,
    clean_local_aws: Any,
    local_aws_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    monkeypatch.delenv("MLOPS_GITHUB_TOKEN", raising=False)
    config = {
        "naming_prefix": "mlops",
        "github": {"org": porg.login, "api_url": porg.forge.api_url, "auth": "pat"},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
        "teams": {"reviewers": porg.org.team, "maintainers": porg.maintainers},
    }
    path = tmp_path / "platform.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.chdir(tmp_path)
    # Terraform owns the secret's lifecycle (it creates it empty in dev); the CLI only writes its value.
    boto3.client("secretsmanager", region_name="eu-west-1").create_secret(Name="mlops/github/credentials")
    result = runner.invoke(app, ["github", "set-credentials", "--token-stdin"], input=porg.org.token + "\n")
    assert result.exit_code == 0, result.output
    assert porg.org.token not in result.output
    return path


def mlops(*args: str) -> Any:
    return runner.invoke(app, ["--output", "json", *args])


def test_create_list_describe_sync_delete(workspace: Path, porg: ProvisioningOrg) -> None:
    created = mlops(
        "project", "create", "churn", "-t", "build-deploy-realtime", "--user", porg.org.member, "--id", "p-abc123def456"
    )
    assert created.exit_code == 0, created.output
    record = json.loads(created.stdout)
    assert record["PhysicalResourceId"] == f"{porg.login}/churn-p-abc123def456"
    deploy = porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-deploy")
    assert record["Data"]["DeployCloneUrl"] == deploy.clone_url

    assert boto3.client("s3").head_bucket(Bucket=record["Properties"]["ArtifactBucket"])
    group = boto3.client("sagemaker").describe_model_package_group(ModelPackageGroupName="churn-p-abc123def456")
    assert group["ModelPackageGroupName"] == "churn-p-abc123def456"

    listed = json.loads(mlops("project", "list").stdout)
    assert [p["name"] for p in listed] == ["churn"]

    described = json.loads(mlops("project", "describe", "churn").stdout)
    assert [(r["part"], r["exists"], r["archived"]) for r in described["repositories"]] == [
        ("build", True, False),
        ("deploy", True, False),
    ]

    deploy.get_variable("MODEL_PACKAGE_GROUP_NAME").edit("drifted")
    synced = json.loads(mlops("project", "sync", "churn").stdout)
    assert synced["changes"] == [f"{porg.login}/churn-p-abc123def456-deploy: variable MODEL_PACKAGE_GROUP_NAME"]
    assert json.loads(mlops("project", "sync", "churn").stdout)["changes"] == []

    deleted = mlops("project", "delete", "churn", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-deploy").archived
    assert json.loads(mlops("project", "list").stdout) == []


def test_a_failing_create_exits_1_with_the_reason_and_rolls_back(workspace: Path, porg: ProvisioningOrg) -> None:
    porg.org.gh.get_repo(f"{porg.login}/model-deploy-batch").edit(is_template=False)
    result = runner.invoke(app, ["project", "create", "churn", "-t", "build-deploy-batch", "--id", "p-abc123def456"])
    assert result.exit_code == 1
    assert f"error: template repo {porg.login}/model-deploy-batch is not a template repository" in result.output
    assert json.loads(mlops("project", "list").stdout) == []


def test_an_invalid_project_name_is_refused(workspace: Path) -> None:
    result = runner.invoke(app, ["project", "create", "bad_name", "-t", "pipeline-promotion"])
    assert result.exit_code == 1
    assert "error: 'bad_name' is not a valid SageMaker project name (1-32 of a-z A-Z 0-9 -" in result.output


def test_the_same_project_cannot_be_created_twice(workspace: Path, porg: ProvisioningOrg) -> None:
    assert mlops("project", "create", "dup", "-t", "single-account-training").exit_code == 0
    again = runner.invoke(app, ["project", "create", "dup", "-t", "single-account-training"])
    assert again.exit_code == 1
    assert "project dup already exists" in again.output


def test_a_refused_create_leaves_no_bucket_model_package_group_or_record(
    workspace: Path, porg: ProvisioningOrg
) -> None:
    """CloudFormation rolls back a refused create: the artifact bucket (DeletionPolicy RetainExceptOnCreate) and
    the model package group the create made are deleted with it, and no project is recorded."""
    porg.org.gh.get_repo(f"{porg.login}/model-deploy-batch").edit(is_template=False)
    buckets_before = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    result = runner.invoke(app, ["project", "create", "churn", "-t", "build-deploy-batch", "--id", "p-abc123def456"])
    assert result.exit_code == 1
    new_buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]} - buckets_before
    assert not {name for name in new_buckets if "p-abc123def456" in name}, new_buckets
    groups = boto3.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in groups] == []
    assert json.loads(mlops("project", "list").stdout) == []


def test_the_rollback_of_a_failed_create_runs_within_what_is_left_of_the_timeout(
    workspace: Path, porg: ProvisioningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--timeout bounds the whole create: the Create keeps a reserve for the rollback, and the rollback's Delete
    must end by the time --timeout ends (it got CloudFormation's default 300 s on its own: a create ran 305 s with
    --timeout 60)."""
    import time

    from platform_cli.local.cloudformation_player import LocalCloudFormation

    sent: list[tuple[str, float, float]] = []  # (request type, when sent, seconds it may take)
    real_send = LocalCloudFormation.send

    def spy(self: LocalCloudFormation, request_type: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        sent.append((request_type, time.monotonic(), kwargs.get("timeout_seconds", 300.0)))
        return real_send(self, request_type, *args, **kwargs)

    monkeypatch.setattr(LocalCloudFormation, "send", spy)
    porg.org.gh.get_repo(f"{porg.login}/model-deploy-batch").edit(is_template=False)
    started = time.monotonic()
    result = runner.invoke(
        app, ["project", "create", "churn", "-t", "build-deploy-batch", "--id", "p-abc123def456", "--timeout", "60"]
    )
    assert result.exit_code == 1
    assert [kind for kind, _, _ in sent] == ["Create", "Delete"]
    (_, create_sent, create_budget), (_, delete_sent, delete_budget) = sent
    assert create_budget < 60, "the Create must leave a reserve for the rollback"
    assert started <= create_sent
    # The rollback must end when --timeout ends, counted from when the request was made (no later than the Create
    # was sent). The spy reads the clock a moment after the budget was computed: allow that moment (a loaded
    # machine's), not the 300 s a rollback used to get.
    assert delete_budget > 0 and delete_sent + delete_budget <= create_sent + 60 + 1.0
    assert "rolling back within" in result.output


def test_describe_shows_the_project_fully_in_a_stable_json_shape(workspace: Path, porg: ProvisioningOrg) -> None:
    created = mlops("project", "create", "churn", "-t", "build-deploy-realtime", "--id", "p-abc123def456")
    assert created.exit_code == 0, created.output

    described = json.loads(mlops("project", "describe", "churn").stdout)

    assert set(described) == {
        "name", "id", "status", "template", "business_unit", "delete_policy", "created", "repositories", "skipped",
    }  # fmt: skip
    assert (described["name"], described["id"], described["status"]) == ("churn", "p-abc123def456", "CreateCompleted")
    assert (described["template"], described["business_unit"], described["delete_policy"]) == (
        "build-deploy-realtime",
        "retail",
        "archive",
    )
    assert described["created"].endswith("+00:00")
    deploy = described["repositories"][1]
    assert set(deploy) == {"part", "repo", "url", "template", "exists", "archived", "environments"}
    assert deploy["repo"] == f"{porg.login}/churn-p-abc123def456-deploy"
    assert deploy["template"] == f"{porg.login}/model-deploy-realtime"
    assert deploy["url"] == porg.org.gh.get_repo(deploy["repo"]).html_url
    assert deploy["environments"] == ["dev", "preprod", "prod"]


def test_sync_json_names_the_project_and_lists_its_changes(workspace: Path, porg: ProvisioningOrg) -> None:
    assert mlops("project", "create", "churn", "-t", "single-account-training").exit_code == 0
    assert json.loads(mlops("project", "sync", "churn").stdout) == {"project": "churn", "changes": []}


def test_describe_text_shows_status_template_environments_and_urls(workspace: Path, porg: ProvisioningOrg) -> None:
    assert mlops("project", "create", "churn", "-t", "build-deploy-realtime", "--id", "p-abc123def456").exit_code == 0
    text = runner.invoke(app, ["project", "describe", "churn"], env={"COLUMNS": "250"}).stdout
    for line in ("project:        churn", "status:         CreateCompleted", "template kind:  build-deploy-realtime"):
        assert line in text
    assert "delete policy:  archive (its repositories are archived when it is deleted)" in text
    assert "dev, preprod, prod" in text
    assert f"{porg.login}/model-deploy-realtime" in text


# --- bring your own container (issue 17 item 1) ---


def test_bring_your_own_container_without_the_project_stack_says_how_to_get_it(workspace: Path) -> None:
    """The option's dev ECR repository is a resource of the project stack: without base-infrastructure in local AWS
    there is none, so the create stops with one line instead of half a project."""
    result = runner.invoke(
        app, ["project", "create", "vision", "-t", "build-deploy-batch", "--bring-your-own-container"]
    )
    assert result.exit_code == 1
    assert "BringYourOwnContainer needs the project template's stack" in result.output
    assert json.loads(mlops("project", "list").stdout) == []


def test_bring_your_own_container_on_a_template_without_it_is_refused_before_any_call(workspace: Path) -> None:
    result = runner.invoke(
        app, ["project", "create", "solo", "-t", "single-account-training", "--bring-your-own-container"]
    )
    assert result.exit_code == 1
    assert "template single-account-training does not offer --bring-your-own-container" in result.output
    assert json.loads(mlops("project", "list").stdout) == []
