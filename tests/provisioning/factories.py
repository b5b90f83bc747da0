"""Builders of valid project requests for tests (one place, so each test states only what it varies)."""

from __future__ import annotations

from typing import Any

from platform_cli.config import TemplateKind

ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}


def request_data(kind: TemplateKind | str = TemplateKind.BUILD_DEPLOY_REALTIME, **overrides: Any) -> dict[str, Any]:
    kind = TemplateKind(kind)
    data: dict[str, Any] = {
        "project_name": "churn",
        "project_id": "p-abc123def456",
        "template_kind": kind.value,
        "org": "acme",
        "requesting_user": "alice",
        "region": "eu-west-1",
        "artifact_bucket": "mlops-p-abc123def456-artifacts",
        "model_package_group_name": "churn-p-abc123def456",
        "pipeline_execution_role_arn": "arn:aws:iam::111111111111:role/mlops-churn-pipeline",
        "environments": {
            env: {
                "account_id": account,
                "role_arn": f"arn:aws:iam::{account}:role/mlops-github-deploy",
                "build_role_arn": f"arn:aws:iam::{account}:role/mlops-github-build" if env == "dev" else None,
                "sagemaker_execution_role_arn": f"arn:aws:iam::{account}:role/mlops-sagemaker-execution",
            }
            for env, account in ACCOUNTS.items()
        },
        "reviewers_team": "ml-reviewers",
        "maintainers_team": "ml-platform",
    }
    data.update(overrides)
    return data
