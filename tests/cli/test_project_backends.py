"""``mlops project`` talks to one backend, chosen once from where the AWS session points; the AWS backend
paginates and turns AWS errors into one actionable line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from typer.testing import CliRunner

from platform_cli.cli import project_cmd
from platform_cli.cli.main import app
from platform_cli.cli.project_aws import AwsProjects
from platform_cli.cli.project_backend import ProjectError, endpoint_is_local, select_backend
from platform_cli.cli.project_local import LocalProjects
from platform_cli.config import parse_config

CONFIG = {
    "naming_prefix": "mlops",
    "github": {"org": "acme", "auth": "pat"},
    "aws": {"region": "eu-west-1"},
    "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
    "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
}
runner = CliRunner()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL_SAGEMAKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


class StubSession:
    def __init__(self) -> None:
        self.sagemaker = boto3.client("sagemaker", region_name="eu-west-1")
        self.stub = Stubber(self.sagemaker)

    def client(self, name: str) -> Any:
        assert name == "sagemaker"
        return self.sagemaker


def summary(name: str, description: str) -> dict[str, Any]:
    return {
        "ProjectName": name,
        "ProjectId": f"p-{name:0<12}"[:14],
        "ProjectArn": f"arn:aws:sagemaker:eu-west-1:111111111111:project/{name}",
        "ProjectDescription": description,
        "ProjectStatus": "CreateCompleted",
        "CreationTime": datetime(2026, 1, 1, tzinfo=UTC),
    }


@pytest.mark.parametrize(
    ("endpoint", "local"),
    [
        ("http://127.0.0.1:4566", True),
        ("http://localhost:5000", True),
        ("https://api.sagemaker.eu-west-1.amazonaws.com", False),
        ("https://sagemaker.example.internal", False),
    ],
)
def test_an_endpoint_on_this_machine_is_local_aws(endpoint: str, local: bool) -> None:
    assert endpoint_is_local(endpoint) is local


def test_a_session_pointing_at_local_aws_gets_the_local_backend(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    backend = select_backend(parse_config(CONFIG), boto3.Session(region_name="eu-west-1"))
    assert isinstance(backend, LocalProjects)


def test_a_session_pointing_at_aws_gets_the_aws_backend(aws_env: None) -> None:
    backend = select_backend(parse_config(CONFIG), boto3.Session(region_name="eu-west-1"))
    assert isinstance(backend, AwsProjects)


def test_list_on_aws_reads_every_page_and_labels_status_and_template(
    aws_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "platform.yaml").write_text(yaml.safe_dump(CONFIG))
    monkeypatch.chdir(tmp_path)
    session = StubSession()
    monkeypatch.setattr(project_cmd, "aws_session", lambda config: session)
    session.stub.add_response(
        "list_projects",
        {"ProjectSummaryList": [summary("churn", "build-deploy-batch project created with mlops")], "NextToken": "t2"},
        {"MaxResults": 100},
    )
    session.stub.add_response(
        "list_projects",
        {"ProjectSummaryList": [summary("other", "made in the console")]},
        {"MaxResults": 100, "NextToken": "t2"},
    )
    with session.stub:
        result = runner.invoke(app, ["--output", "json", "project", "list"])
    assert result.exit_code == 0, result.output
    assert [(p["name"], p["status"], p["template"]) for p in json.loads(result.stdout)] == [
        ("churn", "CreateCompleted", "build-deploy-batch"),
        ("other", "CreateCompleted", "-"),
    ]


def test_an_auth_failure_on_aws_says_so_and_is_not_reported_as_no_project(aws_env: None) -> None:
    session = StubSession()
    session.stub.add_client_error("describe_project", "ExpiredTokenException", "The security token has expired")
    backend = AwsProjects(parse_config(CONFIG), session)
    with session.stub, pytest.raises(ProjectError) as caught:
        backend.record("churn", github=None)
    assert "AWS refused the credentials (ExpiredTokenException)" in str(caught.value)
    assert "no SageMaker project" not in str(caught.value)


def test_a_missing_project_on_aws_is_named_with_the_command_that_lists_them(aws_env: None) -> None:
    session = StubSession()
    session.stub.add_client_error("describe_project", "ValidationException", "Project churn does not exist")
    backend = AwsProjects(parse_config(CONFIG), session)
    with session.stub, pytest.raises(ProjectError) as caught:
        backend.record("churn", github=None)
    assert str(caught.value) == "no SageMaker project named churn; see `mlops project list`"


def test_any_other_aws_error_is_one_line_with_its_code(aws_env: None) -> None:
    session = StubSession()
    session.stub.add_client_error("delete_project", "ThrottlingException", "Rate exceeded")
    backend = AwsProjects(parse_config(CONFIG), session)
    with session.stub, pytest.raises(ProjectError) as caught:
        backend.delete("churn")
    assert str(caught.value) == "deleting SageMaker project churn: ThrottlingException: Rate exceeded"


def test_no_aws_credentials_on_aws_is_one_line_naming_the_fix(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    backend = AwsProjects(parse_config(CONFIG), boto3.Session(region_name="eu-west-1"))
    with pytest.raises(ProjectError) as caught:
        backend.list()
    assert str(caught.value) == (
        "listing SageMaker projects: no AWS credentials; set AWS_PROFILE (or run `aws sso login`) for the dev account"
    )


# --- bring your own container (issue 17 item 1) ---


class _Repo:
    topics = ["build-deploy-realtime"]


class _GitHub:
    def get_repo(self, full_name: str) -> _Repo:
        return _Repo()


def _described(parameters: list[dict[str, str]]) -> dict[str, Any]:
    return {
        **summary("churn", "build-deploy-realtime project created with mlops"),
        "ProjectId": "p-abc123def456",
        "ServiceCatalogProvisioningDetails": {"ProductId": "prod-abc", "ProvisioningParameters": parameters},
    }


@pytest.mark.parametrize(("value", "repository"), [("true", "mlops/p-abc123def456"), ("false", "")])
def test_sync_on_aws_rebuilds_the_container_option_from_the_projects_launch_parameters(
    aws_env: None, value: str, repository: str
) -> None:
    session = StubSession()
    session.stub.add_response("describe_project", _described([{"Key": "BringYourOwnContainer", "Value": value}]))
    with session.stub:
        record = AwsProjects(parse_config(CONFIG), session).record("churn", _GitHub())
    assert record["Properties"]["ContainerRepository"] == repository
