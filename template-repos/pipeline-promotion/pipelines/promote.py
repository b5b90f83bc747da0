"""Build the pipeline definition once; run it in dev; promote the same bytes to preprod and prod.

    python -m pipelines.promote build --output build/pipeline.json
    python -m pipelines.promote run --stage dev --definition build/pipeline.json --record build/dev-run.json
    python -m pipelines.promote promote --stage preprod --definition build/pipeline.json \
        --dev-record build/dev-run.json [--run-now]

`run` uploads the step code, upserts the pipeline, starts it, waits, and exits 1 unless the run Succeeded.
`promote` refuses unless the dev record says Succeeded for exactly this definition (same SHA-256), then upserts the
definition in the stage account, schedules it (EventBridge rule -> StartPipelineExecution) and, with --run-now,
runs it once and waits. Reads SAGEMAKER_PROJECT_NAME, SAGEMAKER_PROJECT_ID, AWS_ACCOUNT_ID and the region; in
dev also ARTIFACT_BUCKET and PIPELINE_EXECUTION_ROLE_ARN; in preprod/prod the account's SSM parameters
(/mlops/s3/artifact_bucket, /mlops/sagemaker/pipeline_role_arn, /mlops/sagemaker/execution_role_arn).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from pipelines import config as config_module

STEPS_DIR = Path(__file__).resolve().parent.parent / "steps"
STAGES = ("dev", "preprod", "prod")


class PromotionError(RuntimeError):
    """Promotion cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class StageTarget:
    """Where and as whom the pipeline runs in one stage account."""

    stage: str
    artifact_bucket: str
    pipeline_role_arn: str
    execution_role_arn: str


def pipeline_name(project: str) -> str:
    return f"{project}-promoted"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_definition(config: config_module.Config, region: str, project: str) -> bytes:
    """The definition as canonical JSON bytes (sorted keys): identical input gives identical bytes."""
    from pipelines.pipeline import get_pipeline, pipeline_session

    pipeline = get_pipeline(config=config, session=pipeline_session(region), pipeline_name=pipeline_name(project))
    return json.dumps(json.loads(pipeline.definition()), sort_keys=True, indent=1).encode()


def code_bundle(steps_dir: Path = STEPS_DIR) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(steps_dir.glob("*.py")) if path.name != "__init__.py"}


def upload_code(s3: Any, bucket: str, project: str, bundle: dict[str, bytes]) -> str:
    """Upload the step scripts under a content-addressed prefix; return it (the CodeUri parameter)."""
    digest = sha256(b"".join(name.encode() + b"\0" + body for name, body in bundle.items()))
    prefix = f"{project}/pipeline-code/{digest}"
    for name, body in bundle.items():
        s3.put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=body)
    return f"s3://{bucket}/{prefix}/"


def stage_target(stage: str, env: dict[str, str], ssm: Any) -> StageTarget:
    if stage == "dev":
        missing = [n for n in ("ARTIFACT_BUCKET", "PIPELINE_EXECUTION_ROLE_ARN") if not env.get(n)]
        if missing:
            raise PromotionError(f"missing environment variable(s) {', '.join(missing)} (repository variables)")
        role = env["PIPELINE_EXECUTION_ROLE_ARN"]
        return StageTarget("dev", env["ARTIFACT_BUCKET"], role, role)

    def parameter(name: str) -> str:
        try:
            return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
        except ssm.exceptions.ParameterNotFound as exc:
            raise PromotionError(
                f"SSM parameter {name} is missing in the {stage} account: apply base-infrastructure"
            ) from exc

    return StageTarget(
        stage,
        parameter("/mlops/s3/artifact_bucket"),
        parameter("/mlops/sagemaker/pipeline_role_arn"),
        parameter("/mlops/sagemaker/execution_role_arn"),
    )


def parameters(target: StageTarget, project: str, code_uri: str) -> list[dict[str, str]]:
    return [
        {"Name": "ExecutionRoleArn", "Value": target.execution_role_arn},
        {"Name": "ArtifactRoot", "Value": f"s3://{target.artifact_bucket}/{project}/pipeline"},
        {"Name": "CodeUri", "Value": code_uri},
    ]


def upsert(sagemaker: Any, name: str, definition: bytes, role_arn: str, tags: list[dict[str, str]]) -> str:
    """Create the pipeline, or update it in place when it exists (its executions' history stays)."""
    try:
        sagemaker.describe_pipeline(PipelineName=name)
    except ClientError:
        response = sagemaker.create_pipeline(
            PipelineName=name, PipelineDefinition=definition.decode(), RoleArn=role_arn, Tags=tags
        )
    else:
        response = sagemaker.update_pipeline(
            PipelineName=name, PipelineDefinition=definition.decode(), RoleArn=role_arn
        )
    return str(response["PipelineArn"])


def wait(
    sagemaker: Any,
    execution_arn: str,
    timeout_s: float = 6 * 3600,
    poll_s: float = 30,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        status = str(
            sagemaker.describe_pipeline_execution(PipelineExecutionArn=execution_arn)["PipelineExecutionStatus"]
        )
        if status in ("Succeeded", "Failed", "Stopped"):
            return status
        if time.monotonic() > deadline:
            raise PromotionError(f"pipeline execution {execution_arn} still {status} after {timeout_s:.0f} s")
        sleep(poll_s)


def schedule(
    events: Any, project: str, pipeline_arn: str, role_arn: str, expression: str, run_parameters: list[dict[str, str]]
) -> str:
    rule = f"{project}-pipeline-schedule"
    events.put_rule(
        Name=rule,
        ScheduleExpression=expression,
        State="ENABLED",
        Description=f"scheduled batch inference of {pipeline_arn.rsplit('/', 1)[-1]}",
    )
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "pipeline",
                "Arn": pipeline_arn,
                "RoleArn": role_arn,
                "SageMakerPipelineParameters": {"PipelineParameterList": run_parameters},
            }
        ],
    )
    return rule


def check_promotable(record: dict[str, Any], definition: bytes) -> None:
    """Promotion needs a dev run that Succeeded with exactly this definition."""
    if record.get("stage") != "dev":
        raise PromotionError("the run record is not from dev: promote only what ran in dev")
    if record.get("definition_sha256") != sha256(definition):
        raise PromotionError("the definition differs from the one that ran in dev: rebuild and run it in dev first")
    if record.get("status") != "Succeeded":
        raise PromotionError(
            f"the dev run {record.get('execution_arn')} ended {record.get('status')}: fix it, nothing promoted"
        )


def run_stage(
    session: Any, target: StageTarget, project: str, project_id: str, definition: bytes, poll_s: float = 30
) -> dict[str, Any]:
    """Upload code, upsert the definition, start it, wait; the record of what ran."""
    sagemaker = session.client("sagemaker")
    code_uri = upload_code(session.client("s3"), target.artifact_bucket, project, code_bundle())
    tags = [{"Key": "sagemaker:project-name", "Value": project}]
    if project_id:
        tags.append({"Key": "sagemaker:project-id", "Value": project_id})
    arn = upsert(sagemaker, pipeline_name(project), definition, target.pipeline_role_arn, tags)
    execution = sagemaker.start_pipeline_execution(
        PipelineName=pipeline_name(project), PipelineParameters=parameters(target, project, code_uri)
    )["PipelineExecutionArn"]
    status = wait(sagemaker, execution, poll_s=poll_s)
    return {
        "stage": target.stage,
        "pipeline_arn": arn,
        "execution_arn": execution,
        "status": status,
        "definition_sha256": sha256(definition),
        "code_uri": code_uri,
    }


def promote_stage(
    session: Any,
    target: StageTarget,
    project: str,
    project_id: str,
    definition: bytes,
    config: config_module.Config,
    run_now: bool,
    poll_s: float = 30,
) -> dict[str, Any]:
    if run_now:
        result = run_stage(session, target, project, project_id, definition, poll_s)
    else:
        code_uri = upload_code(session.client("s3"), target.artifact_bucket, project, code_bundle())
        arn = upsert(
            session.client("sagemaker"),
            pipeline_name(project),
            definition,
            target.pipeline_role_arn,
            [{"Key": "sagemaker:project-name", "Value": project}],
        )
        result = {
            "stage": target.stage,
            "pipeline_arn": arn,
            "status": "Upserted",
            "code_uri": code_uri,
            "definition_sha256": sha256(definition),
        }
    if target.stage in config.schedule_stages:
        result["schedule_rule"] = schedule(
            session.client("events"),
            project,
            result["pipeline_arn"],
            target.pipeline_role_arn,
            config.schedule_expression,
            parameters(target, project, result["code_uri"]),
        )
    return result


def _env(name: str) -> str:
    if not os.environ.get(name):
        raise PromotionError(f"environment variable {name} is not set (the platform provisions it)")
    return os.environ[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.promote", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build")
    build.add_argument("--output", type=Path, required=True)
    run = commands.add_parser("run")
    run.add_argument("--stage", choices=STAGES, default="dev")
    run.add_argument("--definition", type=Path, required=True)
    run.add_argument("--record", type=Path, required=True)
    promote = commands.add_parser("promote")
    promote.add_argument("--stage", choices=("preprod", "prod"), required=True)
    promote.add_argument("--definition", type=Path, required=True)
    promote.add_argument("--dev-record", type=Path, required=True)
    promote.add_argument("--run-now", action="store_true")
    for command in (build, run, promote):
        command.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    try:
        region = os.environ.get("AWS_REGION") or _env("MLOPS_AWS_REGION")
        project = _env("SAGEMAKER_PROJECT_NAME")
        config = config_module.load(args.config)
        if args.command == "build":
            definition = build_definition(config, region, project)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_bytes(definition)
            print(f"wrote {args.output} (sha256 {sha256(definition)})")
            return 0
        session = boto3.Session(region_name=region)
        expected = os.environ.get("AWS_ACCOUNT_ID", "")
        actual = session.client("sts").get_caller_identity()["Account"]
        if expected and actual != expected:
            raise PromotionError(
                f"credentials are for account {actual}, the environment's AWS_ACCOUNT_ID is {expected}"
            )
        definition = args.definition.read_bytes()
        target = stage_target(args.stage, dict(os.environ), session.client("ssm"))
        project_id = os.environ.get("SAGEMAKER_PROJECT_ID", "")
        if args.command == "run":
            record = run_stage(session, target, project, project_id, definition)
            args.record.parent.mkdir(parents=True, exist_ok=True)
            args.record.write_text(json.dumps(record, indent=2))
            print(json.dumps(record))
            if record["status"] != "Succeeded":
                raise PromotionError(f"the {args.stage} run ended {record['status']}: nothing will be promoted")
            return 0
        check_promotable(json.loads(args.dev_record.read_text()), definition)
        print(json.dumps(promote_stage(session, target, project, project_id, definition, config, args.run_now)))
        return 0
    except (PromotionError, config_module.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
