"""``mlops github set-credentials`` (PAT and App key, never echoed) and ``mlops project create`` on AWS
(SageMaker CreateProject through the template kind's Service Catalog product)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from typer.testing import CliRunner

from platform_cli.cli import github_access, project_cmd
from platform_cli.cli.main import app
from platform_cli.config import load_config
from platform_cli.errors import PlatformError
from platform_cli.github.credentials import parse_credentials
from platform_cli.lambdas.credentials import default_secret_name

runner = CliRunner()
PEM = "-----BEGIN PRIVATE KEY-----\nMIIcanaryKEYcanaryKEY\n-----END PRIVATE KEY-----\n"


def write_config(tmp_path: Path, **github: Any) -> None:
    config = {
        "naming_prefix": "mlops",
        "github": {"org": "acme", "auth": "pat", **github},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
        "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
    }
    (tmp_path / "platform.yaml").write_text(yaml.safe_dump(config))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stored(local_aws_env: dict[str, str]) -> str:
    client = boto3.client("secretsmanager", region_name="eu-west-1")
    return str(client.get_secret_value(SecretId=default_secret_name("mlops"))["SecretString"])


@pytest.fixture
def applied(clean_local_aws: Any, local_aws_env: dict[str, str]) -> str:
    """The secret as base-infrastructure's Terraform leaves it: created, no value (its lifecycle's one owner)."""
    client = boto3.client("secretsmanager", region_name="eu-west-1")
    return str(client.create_secret(Name=default_secret_name("mlops"))["ARN"])


def test_credentials_before_the_first_apply_fail_with_one_line_and_create_nothing(
    in_tmp: Path, clean_local_aws: Any, local_aws_env: dict[str, str]
) -> None:
    """Terraform creates the secret; the CLI only writes values (so the first apply never meets an existing one)."""
    write_config(in_tmp)
    result = runner.invoke(app, ["github", "set-credentials", "--token-stdin"], input="ghp_earlyEARLYearlyEARLY0001\n")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: the GitHub credential secret mlops/github/credentials does not exist yet: apply base-infrastructure "
        "in dev first (Terraform creates it, empty), then run `mlops github set-credentials` again"
    )
    listed = boto3.client("secretsmanager", region_name="eu-west-1").list_secrets()["SecretList"]
    assert listed == []


def test_without_a_token_the_cli_names_where_to_get_one(
    in_tmp: Path, clean_local_aws: Any, local_aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(in_tmp)
    monkeypatch.delenv(github_access.TOKEN_ENV, raising=False)
    monkeypatch.delenv(github_access.APP_KEY_ENV, raising=False)
    with pytest.raises(PlatformError) as raised:
        github_access.credentials(load_config(in_tmp / "platform.yaml"))
    assert str(raised.value).startswith(github_access.NO_TOKEN)
    assert "\n" not in str(raised.value)


def test_the_app_key_file_gives_the_cli_app_credentials(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(in_tmp, auth="app", app_id=42, installation_id=7)
    (in_tmp / "app.pem").write_text(PEM)
    monkeypatch.delenv(github_access.TOKEN_ENV, raising=False)
    monkeypatch.setenv(github_access.APP_KEY_ENV, str(in_tmp / "app.pem"))
    credentials, _, source = github_access.credentials(load_config(in_tmp / "platform.yaml"))
    assert (credentials.kind, credentials.app_id, credentials.installation_id) == ("app", 42, 7)
    assert source == "env:MLOPS_GITHUB_APP_KEY_FILE"


def test_a_pat_is_stored_and_never_echoed(in_tmp: Path, applied: str, local_aws_env: dict[str, str]) -> None:
    write_config(in_tmp)
    token = "ghp_secretSECRETsecretSECRET0001"
    result = runner.invoke(app, ["github", "set-credentials", "--token-stdin"], input=token + "\n")
    assert result.exit_code == 0, result.output
    assert token not in result.output
    assert parse_credentials(stored(local_aws_env)).token.reveal() == token  # type: ignore[union-attr]
    again = runner.invoke(app, ["github", "set-credentials", "--token-stdin"], input="ghp_rotatedROTATEDrotated0002\n")
    assert "updated" in again.output


def test_an_app_key_is_stored_with_the_ids_from_platform_yaml(
    in_tmp: Path, applied: str, local_aws_env: dict[str, str]
) -> None:
    write_config(in_tmp, auth="app", app_id=42, installation_id=7)
    (in_tmp / "app.pem").write_text(PEM)
    result = runner.invoke(app, ["github", "set-credentials", "--app-private-key", "app.pem"])
    assert result.exit_code == 0, result.output
    assert "canaryKEY" not in result.output
    credentials = parse_credentials(stored(local_aws_env))
    assert (credentials.kind, credentials.app_id, credentials.installation_id) == ("app", 42, 7)


def test_an_app_key_needs_the_app_ids(in_tmp: Path) -> None:
    write_config(in_tmp)
    (in_tmp / "app.pem").write_text(PEM)
    result = runner.invoke(app, ["github", "set-credentials", "--app-private-key", "app.pem"])
    assert result.exit_code == 1
    assert "github.app_id and github.installation_id are needed" in result.output


class StubSession:
    def __init__(self) -> None:
        self.clients = {name: boto3.client(name, region_name="eu-west-1") for name in ("servicecatalog", "sagemaker")}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, name: str) -> Any:
        return self.clients[name]


def test_create_on_aws_calls_sagemaker_create_project_with_the_kinds_product(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(in_tmp)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    session = StubSession()
    monkeypatch.setattr(project_cmd, "aws_session", lambda config: session)
    catalog, sagemaker = session.stubs["servicecatalog"], session.stubs["sagemaker"]
    catalog.add_response(
        "search_products",
        {"ProductViewSummaries": [{"Name": "mlops-build-deploy-batch", "ProductId": "prod-abcdefabcdef1"}]},
        {"Filters": {"FullTextSearch": ["mlops-build-deploy-batch"]}},
    )
    catalog.add_response(
        "list_provisioning_artifacts",
        {"ProvisioningArtifactDetails": [{"Id": "pa-111111111111", "Active": True}]},
        {"ProductId": "prod-abcdefabcdef1"},
    )
    sagemaker.add_response(
        "create_project",
        {"ProjectArn": "arn:aws:sagemaker:eu-west-1:111111111111:project/churn", "ProjectId": "p-abc123def456"},
        {
            "ProjectName": "churn",
            "ProjectDescription": "build-deploy-batch project created with mlops",
            "ServiceCatalogProvisioningDetails": {
                "ProductId": "prod-abcdefabcdef1",
                "ProvisioningArtifactId": "pa-111111111111",
                "ProvisioningParameters": [
                    {"Key": "GitHubUsername", "Value": "alice"},
                    {"Key": "RepositoryDeletePolicy", "Value": "delete"},
                    {"Key": "ProvisioningTimeoutSeconds", "Value": "150"},  # half of --timeout's default 300 s
                ],
            },
        },
    )
    with catalog, sagemaker:
        result = runner.invoke(
            app,
            [
                "--output",
                "json",
                "project",
                "create",
                "churn",
                "-t",
                "build-deploy-batch",
                "--user",
                "alice",
                "--delete-policy",
                "delete",
            ],
        )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ProjectId"] == "p-abc123def456"


def test_sync_on_aws_finds_the_project_by_sagemaker_id_and_repairs_drift(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, porg: Any
) -> None:
    from tests.lambdas.forge_harness import ForgeLambda

    handler = ForgeLambda(porg)
    assert handler("Create", handler.properties("build-deploy-batch"))["Status"] == "SUCCESS"
    config = {
        "naming_prefix": "mlops",
        "github": {"org": porg.login, "api_url": porg.forge.api_url, "auth": "pat"},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
        "teams": {"reviewers": porg.org.team, "maintainers": porg.maintainers},
    }
    (in_tmp / "platform.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("MLOPS_GITHUB_TOKEN", porg.org.token)
    monkeypatch.setenv("MLOPS_WRITE_PACING_SECONDS", "0")
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    session = StubSession()
    monkeypatch.setattr(project_cmd, "aws_session", lambda config: session)
    session.stubs["sagemaker"].add_response(
        "describe_project",
        {
            "ProjectArn": "arn:aws:sagemaker:eu-west-1:111111111111:project/churn",
            "ProjectName": "churn",
            "ProjectId": "p-abc123def456",
            "ServiceCatalogProvisioningDetails": {"ProductId": "prod-abcdefabcdef1"},
            "ProjectStatus": "CreateCompleted",
            "CreationTime": "2026-01-01T00:00:00Z",
        },
        {"ProjectName": "churn"},
    )
    deploy = porg.org.gh.get_repo(f"{porg.login}/churn-p-abc123def456-deploy")
    deploy.get_variable("MODEL_PACKAGE_GROUP_NAME").edit("drifted")
    with session.stubs["sagemaker"]:
        result = runner.invoke(app, ["--output", "json", "project", "sync", "churn"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == [
        f"{porg.login}/churn-p-abc123def456-deploy: variable MODEL_PACKAGE_GROUP_NAME"
    ]
