"""Command line used by .github/workflows/deploy.yml.

    python -m deploy resolve [--model-package-arn ARN]      # print the package to deploy (Approved), set the output
    python -m deploy batch --stage preprod --model-package-arn ARN [--report build/preprod.json]
    python -m deploy transform --stage prod                 # one transform with the active model, now
    python -m deploy schedule --stage prod                  # create/update the stage's EventBridge schedule
    python -m deploy unschedule --stage prod                # teardown: delete the stage's schedule

Reads SAGEMAKER_PROJECT_NAME, SAGEMAKER_PROJECT_ID (tags), MODEL_PACKAGE_GROUP_NAME,
SAGEMAKER_EXECUTION_ROLE_ARN, AWS_ACCOUNT_ID, MLOPS_NAMING_PREFIX (schedule: names the account's
<prefix>-batch-schedule role) and the region (AWS_REGION or MLOPS_AWS_REGION) from the environment; exits 1
with a one-line cause on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import boto3

from deploy import config as config_module
from deploy import registry
from deploy import schedule as schedule_module
from deploy.errors import DeployError
from deploy.stage import Clients, deploy_stage, schedule_stage, scheduled_transform, unschedule_stage


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise DeployError(f"environment variable {name} is not set: the platform provisions it on this repository")
    return value


def _region() -> str:
    region = os.environ.get("AWS_REGION") or os.environ.get("MLOPS_AWS_REGION")
    if not region:
        raise DeployError("neither AWS_REGION nor MLOPS_AWS_REGION is set")
    return region


def check_account(session: boto3.Session) -> None:
    expected = os.environ.get("AWS_ACCOUNT_ID", "")
    actual = session.client("sts").get_caller_identity()["Account"]
    if expected and actual != expected:
        raise DeployError(f"credentials are for account {actual}, the environment's AWS_ACCOUNT_ID is {expected}")


def clients(session: boto3.Session) -> Clients:
    return Clients(
        sagemaker=session.client("sagemaker"),
        s3=session.client("s3"),
        ssm=session.client("ssm"),
        scheduler=session.client("scheduler"),
    )


def write_output(name: str, value: str) -> None:
    """Step output for later jobs (GITHUB_OUTPUT), when running in GitHub Actions."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with Path(target).open("a") as handle:
            handle.write(f"{name}={value}\n")


def _schedule_command(session: boto3.Session, args: argparse.Namespace) -> dict[str, object]:
    project = _env("SAGEMAKER_PROJECT_NAME")
    if args.command == "unschedule":
        return unschedule_stage(clients(session), project=project, stage_name=args.stage)
    caller = session.client("sts").get_caller_identity()["Arn"]
    partition, account = caller.split(":")[1], caller.split(":")[4]
    return schedule_stage(
        clients(session),
        config_module.load(args.config),
        project=project,
        stage_name=args.stage,
        scheduler_role_arn=schedule_module.role_arn(partition, account, _env("MLOPS_NAMING_PREFIX")),
        project_id=os.environ.get("SAGEMAKER_PROJECT_ID", ""),
        partition=partition,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    resolve = commands.add_parser("resolve", help="the model package to deploy")
    resolve.add_argument("--model-package-arn", default="")
    deploy = commands.add_parser("batch", help="make a model package the stage's active batch model")
    deploy.add_argument("--stage", required=True, choices=config_module.STAGES)
    deploy.add_argument("--model-package-arn", required=True)
    deploy.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    deploy.add_argument("--report", type=Path)
    scheduled = commands.add_parser("transform", help="run the stage's active model over the input prefix")
    scheduled.add_argument("--stage", required=True, choices=config_module.STAGES)
    scheduled.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    schedule = commands.add_parser("schedule", help="create/update the stage's schedule (the active model)")
    schedule.add_argument("--stage", required=True, choices=config_module.STAGES)
    schedule.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    unschedule = commands.add_parser("unschedule", help="delete the stage's schedule (teardown)")
    unschedule.add_argument("--stage", required=True, choices=config_module.STAGES)
    args = parser.parse_args(argv)
    try:
        session = boto3.Session(region_name=_region())
        check_account(session)
        if args.command == "resolve":
            arn = registry.resolve(
                session.client("sagemaker"), _env("MODEL_PACKAGE_GROUP_NAME"), args.model_package_arn or None
            )
            print(arn)
            write_output("model_package_arn", arn)
            return 0
        if args.command in ("schedule", "unschedule"):
            print(json.dumps(_schedule_command(session, args)))
            return 0
        if args.command == "transform":
            ran = scheduled_transform(
                clients(session),
                config_module.load(args.config),
                project=_env("SAGEMAKER_PROJECT_NAME"),
                stage_name=args.stage,
                project_id=os.environ.get("SAGEMAKER_PROJECT_ID", ""),
            )
            print(json.dumps(ran))
            return 0
        result = deploy_stage(
            clients(session),
            config_module.load(args.config),
            project=_env("SAGEMAKER_PROJECT_NAME"),
            stage_name=args.stage,
            model_package_arn=args.model_package_arn,
            execution_role_arn=_env("SAGEMAKER_EXECUTION_ROLE_ARN"),
            project_id=os.environ.get("SAGEMAKER_PROJECT_ID", ""),
        )
    except DeployError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(result.as_dict(), indent=2))
    print("\n".join(result.events))
    return 0


if __name__ == "__main__":
    sys.exit(main())
