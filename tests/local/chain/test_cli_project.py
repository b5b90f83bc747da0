"""``mlops project create|list|delete`` on local AWS go through the chain a data scientist triggers in Studio:
Service Catalog launches the project template's stack as the persona, its custom resource answers through the
Lambda runtime, and delete terminates the provisioned product. Without a published product the create is one line
naming the fix, and leaves nothing behind."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.local.aws import LocalAws
from platform_cli.local.project_registry import registry_bucket
from tests.local.chain.functions import ACCOUNT
from tests.local.chain.test_project_launch import Catalog

runner = CliRunner()


def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str) -> Path:
    """A platform.yaml of the local accounts with its own naming prefix (its own products), used from ``tmp_path``."""
    path = tmp_path / "platform.yaml"
    path.write_text(render_config({**EXAMPLE_VALUES, "naming_prefix": prefix, "auth": "pat"}), encoding="utf-8")
    monkeypatch.setenv("MLOPS_CONFIG", str(path))
    monkeypatch.delenv("MLOPS_GITHUB_TOKEN", raising=False)  # the chain needs no GitHub credential in the CLI
    monkeypatch.chdir(tmp_path)
    return path


def mlops(*args: str) -> Any:
    return runner.invoke(app, ["--output", "json", *args])


@pytest.fixture(scope="module")
def catalog(local_aws: LocalAws) -> Catalog:
    """base-infrastructure's part, published: the build-deploy-realtime product of naming prefix ``c…``."""
    prefix = f"c{uuid.uuid4().hex[:6]}"
    return Catalog(local_aws, product=f"{prefix}-build-deploy-realtime", naming_prefix=prefix)


@pytest.fixture
def published(
    catalog: Catalog, local_aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Catalog:
    workspace(tmp_path, monkeypatch, catalog.contract["/mlops/naming_prefix"])
    catalog.publish_contract()  # another catalogue of the session may have overwritten the account's contract
    return catalog


def provisioned_products(local_aws: LocalAws) -> list[dict[str, Any]]:
    catalog = local_aws.session_for("dev").client("servicecatalog")
    return list(
        catalog.scan_provisioned_products(AccessLevelFilter={"Key": "Account", "Value": "self"}).get(
            "ProvisionedProducts", []
        )
    )


def test_create_without_base_infrastructure_is_one_line_naming_local_apply_and_leaves_nothing(
    local_aws: LocalAws, local_aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = f"n{uuid.uuid4().hex[:6]}"  # no product published under this prefix
    workspace(tmp_path, monkeypatch, prefix)
    s3 = local_aws.session_for("dev").client("s3")
    buckets_before = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    products_before = provisioned_products(local_aws)

    result = runner.invoke(app, ["project", "create", "churn", "-t", "build-deploy-realtime"])

    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert lines == [
        "error: no project template build-deploy-realtime in local AWS: apply base-infrastructure first with "
        "`mlops local apply` (after `mlops local up` and `mlops bootstrap`)"
    ], result.output
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == buckets_before
    assert registry_bucket(prefix, ACCOUNT) not in buckets_before
    assert provisioned_products(local_aws) == products_before
    assert json.loads(mlops("project", "list").stdout) == []


def test_create_launches_the_product_and_delete_terminates_it(published: Catalog, local_aws: LocalAws) -> None:
    created = mlops("project", "create", "churn", "-t", "build-deploy-realtime", "--user", "ada")
    assert created.exit_code == 0, created.output
    record = json.loads(created.stdout)
    pid = record["ProjectId"]
    assert (record["StackStatus"], record["TemplateKind"]) == ("CREATE_COMPLETE", "build-deploy-realtime")
    assert "Properties" not in record  # CloudFormation resolved them from the template; the CLI built none
    [create] = published.requests(pid)
    assert (create["RequestType"], create["ResourceProperties"]["RequestingUser"]) == ("Create", "ada")
    assert record["Data"]["BuildRepoUrl"] == f"http://forge.local/org/churn-{pid}-build"
    assert [p["name"] for p in json.loads(mlops("project", "list").stdout)] == ["churn"]

    deleted = mlops("project", "delete", "churn", "--yes")

    assert deleted.exit_code == 0, deleted.output
    assert json.loads(deleted.stdout) == {"project": "churn", "deleted": True, "policy": "archive"}
    delete = published.requests(pid)[-1]
    assert (delete["RequestType"], delete["ResourceProperties"]["DeletePolicy"]) == ("Delete", "archive")
    stack = published.admin.client("cloudformation").describe_stacks(StackName=record["StackArn"])["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    assert record["ProvisionedProductId"] not in [p["Id"] for p in provisioned_products(local_aws)]
    assert json.loads(mlops("project", "list").stdout) == []


def test_the_record_holds_the_stack_outputs_the_demo_reads(published: Catalog) -> None:
    """Producer (the create's record) and consumer (the demo's register and delete steps read the artifact bucket
    and the pipeline role from the project stack's outputs)."""
    created = mlops("project", "create", "outputs", "-t", "build-deploy-realtime")
    assert created.exit_code == 0, created.output
    record = json.loads(created.stdout)
    prefix, pid = published.contract["/mlops/naming_prefix"], record["ProjectId"]
    assert record["Outputs"]["ArtifactBucketName"] == f"{prefix}-{pid}-{ACCOUNT}"
    assert record["Outputs"]["PipelineRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{prefix}-{pid}-pipeline"
    rehearsal = (Path(__file__).parents[3] / "platform_cli/local/demo/rehearsal.py").read_text(encoding="utf-8")
    assert 'outputs.get("ArtifactBucketName")' in rehearsal and 'outputs.get("PipelineRoleArn")' in rehearsal
    assert mlops("project", "delete", "outputs", "--yes").exit_code == 0


def test_the_same_project_cannot_be_created_twice(published: Catalog) -> None:
    assert mlops("project", "create", "dup", "-t", "build-deploy-realtime").exit_code == 0
    again = runner.invoke(app, ["project", "create", "dup", "-t", "build-deploy-realtime"])
    assert again.exit_code == 1
    assert "project dup already exists" in again.output
    assert mlops("project", "delete", "dup", "--yes").exit_code == 0


def test_a_refused_launch_exits_1_with_the_reason_and_leaves_no_project(
    published: Catalog, local_aws: LocalAws
) -> None:
    before = {p["Id"] for p in provisioned_products(local_aws)}

    result = runner.invoke(app, ["project", "create", "churn", "-t", "build-deploy-realtime", "--user", "fail-create"])

    assert result.exit_code == 1
    assert "error: project churn failed to launch (ROLLBACK_COMPLETE): " in result.output
    assert "forge refused" in result.output
    assert {p["Id"] for p in provisioned_products(local_aws)} == before
    assert json.loads(mlops("project", "list").stdout) == []


def test_an_invalid_project_name_is_refused_before_any_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace(tmp_path, monkeypatch, "mlops")
    result = runner.invoke(app, ["project", "create", "bad_name", "-t", "pipeline-promotion"])
    assert result.exit_code == 1
    assert "error: 'bad_name' is not a valid SageMaker project name (1-32 of a-z A-Z 0-9 -" in result.output


def test_bring_your_own_container_on_a_template_without_it_is_refused_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace(tmp_path, monkeypatch, "mlops")
    result = runner.invoke(
        app, ["project", "create", "solo", "-t", "single-account-training", "--bring-your-own-container"]
    )
    assert result.exit_code == 1
    assert "template single-account-training does not offer --bring-your-own-container" in result.output


def test_the_command_the_no_template_line_names_exists_and_applies_base_infrastructure() -> None:
    """Producer (the create's one line) and consumer (the `mlops local` group) held together."""
    import re

    from platform_cli.cli.project_local import no_templates
    from platform_cli.config import TemplateKind

    named = re.findall(r"`mlops ([a-z ]+)`", no_templates(TemplateKind.BUILD_DEPLOY_REALTIME))
    assert named == ["local apply", "local up", "bootstrap"]
    for command in named:
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command
    assert "base-infrastructure" in runner.invoke(app, ["local", "apply", "--help"]).stdout
