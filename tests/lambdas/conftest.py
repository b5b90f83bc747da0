from __future__ import annotations

from typing import Any

from platform_cli.config import TemplateKind
from platform_cli.lambdas.settings import LambdaSettings

SETTINGS = LambdaSettings(
    github_org="acme",
    credentials_secret_id="mlops/github",
    reviewers_team="ml-reviewers",
    maintainers_team="ml-platform",
    write_pacing_seconds=0.0,
    deadline_margin_seconds=0.5,
    answer_margin_seconds=0.2,
)


class FakeContext:
    aws_request_id = "req-0001"

    def __init__(self, remaining_ms: int = 60_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def properties(kind: TemplateKind | str = TemplateKind.BUILD_DEPLOY_REALTIME, **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos",
        "ProjectName": "churn",
        "ProjectId": "p-abc123def456",
        "TemplateKind": TemplateKind(kind).value,
        "ArtifactBucket": "mlops-p-abc123def456-111111111111",
        "ModelPackageGroupName": "churn-p-abc123def456",
        "PipelineExecutionRoleArn": "arn:aws:iam::111111111111:role/mlops-p-abc123def456-pipeline",
        "RequestingUser": "alice",
        "DeletePolicy": "archive",
        "Region": "eu-west-1",
        "Accounts": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"},
    }
    props.update(overrides)
    return {key: value for key, value in props.items() if value is not None}


def event(request_type: str = "Create", props: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos",
        "ResponseURL": "https://example.invalid/response",
        "StackId": "arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-1/abc",
        "RequestId": "11111111-2222-3333-4444-555555555555",
        "ResourceType": "Custom::ProjectRepos",
        "LogicalResourceId": "ProjectRepos",
        "ResourceProperties": properties() if props is None else props,
    }
    data.update(extra)
    return data


# The forge-backed provisioning fixtures, shared with tests/provisioning.
from tests.provisioning.conftest import meter, porg  # noqa: E402

__all__ = ["FakeContext", "event", "meter", "porg", "properties"]
