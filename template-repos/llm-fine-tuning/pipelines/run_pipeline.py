"""Build the pipeline definition; upsert it and start an execution (what the main-branch workflow runs).

Reads the repository variables the platform provisions (exported as environment variables by the workflow):
SAGEMAKER_PROJECT_NAME, SAGEMAKER_PROJECT_ID, MODEL_PACKAGE_GROUP_NAME, ARTIFACT_BUCKET,
PIPELINE_EXECUTION_ROLE_ARN, the region from AWS_REGION (set by configure-aws-credentials) or MLOPS_AWS_REGION,
and AWS_ACCOUNT_ID (the dev environment's account: the run stops if the credentials belong to another).

    python -m pipelines.run_pipeline --definition-only build/pipeline.json   # no execution, just the JSON
    python -m pipelines.run_pipeline --wait                                 # upsert, start, wait for the end
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import WaiterError

from pipelines import config as config_module
from pipelines.pipeline import get_pipeline, pipeline_session

PIPELINE_SUFFIX = "llm"
REQUIRED = ("SAGEMAKER_PROJECT_NAME", "MODEL_PACKAGE_GROUP_NAME", "ARTIFACT_BUCKET", "PIPELINE_EXECUTION_ROLE_ARN")


class SettingsError(ValueError):
    """A required environment variable is missing or wrong; the message names it."""


def check_account(sts_client: Any, expected_account_id: str) -> None:
    """Refuse to touch an account other than the environment's AWS_ACCOUNT_ID (a mis-set role ARN)."""
    actual = sts_client.get_caller_identity()["Account"]
    if expected_account_id and actual != expected_account_id:
        raise SettingsError(
            f"credentials are for account {actual} but this environment's AWS_ACCOUNT_ID is {expected_account_id};"
            " check the environment's AWS_ROLE_ARN"
        )


@dataclass(frozen=True)
class Settings:
    project_name: str
    project_id: str
    model_package_group_name: str
    artifact_bucket: str
    pipeline_role_arn: str
    region: str

    @property
    def pipeline_name(self) -> str:
        return f"{self.project_name}-{PIPELINE_SUFFIX}"

    @property
    def tags(self) -> list[dict[str, str]]:
        tags = [{"Key": "sagemaker:project-name", "Value": self.project_name}]
        if self.project_id:
            tags.append({"Key": "sagemaker:project-id", "Value": self.project_id})
        return tags


def settings_from_env(env: dict[str, str]) -> Settings:
    missing = [name for name in REQUIRED if not env.get(name)]
    region = env.get("AWS_REGION") or env.get("MLOPS_AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        missing.append("AWS_REGION (or MLOPS_AWS_REGION)")
    if missing:
        raise SettingsError(
            f"missing environment variable(s): {', '.join(missing)}; the platform sets them as repository"
            " variables, export them to run outside GitHub Actions"
        )
    return Settings(
        project_name=env["SAGEMAKER_PROJECT_NAME"],
        project_id=env.get("SAGEMAKER_PROJECT_ID", ""),
        model_package_group_name=env["MODEL_PACKAGE_GROUP_NAME"],
        artifact_bucket=env["ARTIFACT_BUCKET"],
        pipeline_role_arn=env["PIPELINE_EXECUTION_ROLE_ARN"],
        region=region,
    )


def build(settings: Settings, config_path: Path) -> Any:
    config = config_module.load(config_path)
    session = pipeline_session(settings.region, settings.artifact_bucket)
    return get_pipeline(
        config=config,
        session=session,
        role=settings.pipeline_role_arn,
        pipeline_name=settings.pipeline_name,
        model_package_group_name=settings.model_package_group_name,
        base_job_prefix=settings.project_name,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--definition-only", type=Path, metavar="PATH", help="write the definition JSON and stop")
    parser.add_argument("--wait", action="store_true", help="wait for the execution to finish; fail if it fails")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env(dict(os.environ))
        if os.environ.get("AWS_ACCOUNT_ID"):
            check_account(boto3.client("sts", region_name=settings.region), os.environ["AWS_ACCOUNT_ID"])
        pipeline = build(settings, args.config)
    except (SettingsError, config_module.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    definition = pipeline.definition()
    if args.definition_only:
        args.definition_only.parent.mkdir(parents=True, exist_ok=True)
        args.definition_only.write_text(json.dumps(json.loads(definition), indent=2, sort_keys=True))
        print(f"wrote {args.definition_only}")
        return 0
    pipeline.upsert(role_arn=settings.pipeline_role_arn, tags=settings.tags)
    execution = pipeline.start()
    print(f"started {settings.pipeline_name}: {execution.arn}")
    if args.wait:
        try:
            execution.wait(delay=30, max_attempts=240)
        except WaiterError:
            pass  # the status below says how it ended
        status = execution.describe()["PipelineExecutionStatus"]
        print(f"execution {execution.arn} ended {status}")
        return 0 if status == "Succeeded" else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
