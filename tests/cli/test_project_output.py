"""`mlops project list` and `delete` say what they hold in words people read, and print a stable JSON shape for
scripts (describe, create and sync against the forge: tests/lambdas/test_cli_project_local.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_cli.cli import project_cmd
from platform_cli.cli.project_backend import NewProject, ProjectSummary
from tests.fixtures.cli import Invoke

CONFIG = {
    "github": {"org": "acme", "auth": "pat"},
    "aws": {"region": "eu-west-1"},
    "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
    "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
}
CHURN = ProjectSummary(
    name="churn",
    id="p-0123456789ab",
    status="CreateCompleted",
    template="build-deploy-batch",
    repositories=("acme/churn-p-0123456789ab-build", "acme/churn-p-0123456789ab-deploy"),
    created="2026-12-04T10:00:00+00:00",
)


class FakeBackend:
    name = "fake"

    def __init__(self, projects: list[ProjectSummary], policy: str | None = "archive") -> None:
        self.projects = projects
        self.policy = policy
        self.deleted: list[str] = []

    def create(self, request: NewProject) -> dict[str, Any]:
        # As AwsProjects answers: SageMaker's ids, before CloudFormation has made anything.
        return {"ProjectName": request.name, "ProjectId": "p-0123456789ab", "ProjectArn": "arn:aws:sagemaker:x"}

    def list(self) -> list[ProjectSummary]:
        return self.projects

    def record(self, name: str, github: Any) -> dict[str, Any]:
        raise AssertionError("not used")

    def delete_question(self, name: str) -> str:
        return f"Delete project {name}?"

    def delete(self, name: str) -> dict[str, Any]:
        self.deleted.append(name)
        result: dict[str, Any] = {"project": name, "deleted": True}
        if self.policy is not None:
            result["policy"] = self.policy
        return result


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    (tmp_path / "platform.yaml").write_text(yaml.safe_dump(CONFIG))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLOPS_CONFIG", raising=False)
    fake = FakeBackend([CHURN])
    monkeypatch.setattr(project_cmd, "_backend", lambda config: fake)
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: one header line (rich reads it on each print)
    return fake


def test_list_columns_say_what_they_hold(mlops: Invoke, backend: FakeBackend) -> None:
    text = mlops("project", "list").stdout
    header = next(line for line in text.splitlines() if "project id" in line)
    assert [c.strip() for c in header.split("┃")] == [
        "project",
        "project id",
        "status",
        "template kind",
        "repositories",
        "created (UTC)",
    ]
    assert "acme/churn-p-0123456789ab-build" in text and "acme/churn-p-0123456789ab-deploy" in text
    assert "2026-12-04 10:00:00" in text


def test_list_json_has_one_object_per_project_with_a_stable_set_of_keys(mlops: Invoke, backend: FakeBackend) -> None:
    assert json.loads(mlops("-o", "json", "project", "list").stdout) == [
        {
            "name": "churn",
            "id": "p-0123456789ab",
            "status": "CreateCompleted",
            "template": "build-deploy-batch",
            "repositories": ["acme/churn-p-0123456789ab-build", "acme/churn-p-0123456789ab-deploy"],
            "created": "2026-12-04T10:00:00+00:00",
        }
    ]


def test_an_empty_list_says_how_to_create_a_project(mlops: Invoke, backend: FakeBackend) -> None:
    backend.projects = []
    assert (
        "no projects yet; create one with `mlops project create NAME --template KIND`"
        in mlops("project", "list").stdout
    )


def test_delete_prints_a_sentence_naming_what_happened_to_the_repositories(mlops: Invoke, backend: FakeBackend) -> None:
    result = mlops("project", "delete", "churn", "--yes")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Deleted project churn; its repositories were archived."
    assert backend.deleted == ["churn"]


def test_delete_on_aws_says_cloudformation_applies_the_projects_policy(mlops: Invoke, backend: FakeBackend) -> None:
    backend.policy = None
    text = mlops("project", "delete", "churn", "--yes").stdout
    assert text.strip() == "Deleted project churn; CloudFormation handles its repositories per their delete policy."


def test_delete_json_shape(mlops: Invoke, backend: FakeBackend) -> None:
    data = json.loads(mlops("-o", "json", "project", "delete", "churn", "--yes").stdout)
    assert data == {"project": "churn", "deleted": True, "policy": "archive"}


def test_delete_asks_first_and_a_no_deletes_nothing(mlops: Invoke, backend: FakeBackend) -> None:
    from typer.testing import CliRunner

    from platform_cli.cli.main import app

    result = CliRunner().invoke(app, ["project", "delete", "churn"], input="n\n")
    assert result.exit_code == 1
    assert "Delete project churn? [y/N]" in result.stdout
    assert backend.deleted == []


def test_create_on_aws_says_what_runs_next_and_how_to_follow_it(mlops: Invoke, backend: FakeBackend) -> None:
    result = mlops("project", "create", "churn", "--template", "build-deploy-batch")
    assert result.exit_code == 0, result.stderr
    assert "project churn (p-0123456789ab), template build-deploy-batch" in result.stdout
    assert "SageMaker is creating it" in result.stdout
    assert "follow it with `mlops project describe churn`" in result.stdout
