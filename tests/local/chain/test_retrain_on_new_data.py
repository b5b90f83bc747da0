"""Retrain on new data, for real in local AWS (issue 17 item 2): a project launched with RetrainOnNewData=true gets
its bucket's object events on EventBridge; a burst of uploads under data/ reaches the project's rule, its
debounce function creates one one-shot schedule, and the schedule starts the pipeline exactly once, as the start
role (strict IAM), with the data prefix as InputDataUrl."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.iam.log import read as read_decisions
from platform_cli.local.project_chain import ProjectStack, launch_project
from tests.bootstrap import template as bootstrap

from .functions import ACCOUNT
from .test_project_launch import Catalog

WINDOW = 4  # seconds: the deployed window (300) shortened so the test does not wait five minutes
DEFINITION = json.dumps(
    {"Version": "2020-12-01", "Parameters": [{"Name": "InputDataUrl", "Type": "String"}], "Steps": []}
)


def _eventually(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def ensure_bootstrap_boundary(iam: Any) -> None:
    """The dev account's permissions boundary, as bootstrap.yaml creates it (every project role carries it)."""
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    document = renderer.properties("PermissionsBoundary")["PolicyDocument"]
    name = "mlops-dev-permissions-boundary"
    arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}"
    try:
        iam.get_policy(PolicyArn=arn)
    except iam.exceptions.NoSuchEntityException:
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))


class Retraining:
    """A launched project that retrains on new data, its pipeline upserted, the window shortened."""

    def __init__(self, local_aws: LocalAws) -> None:
        ensure_bootstrap_boundary(local_aws.session_for("dev").client("iam"))
        self.catalog = Catalog(local_aws)
        self.local_aws = local_aws
        self.project: ProjectStack = launch_project(
            self.catalog.client("servicecatalog"),
            self.catalog.admin.client("cloudformation"),
            product=self.catalog.product,
            project_name=f"churn-{time.time_ns() % 10**6}",
            parameters={"GitHubUsername": "octocat", "RepositoryDeletePolicy": "archive", "RetrainOnNewData": "true"},
        )
        admin = self.catalog.admin
        self.bucket = self.project.outputs["ArtifactBucketName"]
        self.pipeline = f"{self.project.name}-build"
        self.sagemaker = admin.client("sagemaker")
        # What the build repo's workflow does on main: upsert the pipeline (the retrain needs it to exist).
        self.sagemaker.create_pipeline(
            PipelineName=self.pipeline,
            PipelineDefinition=DEFINITION,
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/mlops-{self.project.project_id}-pipeline",
            ClientRequestToken=uuid.uuid4().hex,
        )
        function = f"mlops-{self.project.project_id}-retrain"
        lambdas = admin.client("lambda")
        variables = lambdas.get_function_configuration(FunctionName=function)["Environment"]["Variables"]
        lambdas.update_function_configuration(
            FunctionName=function, Environment={"Variables": {**variables, "DEBOUNCE_SECONDS": str(WINDOW)}}
        )

    def executions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.sagemaker.list_pipeline_executions(PipelineName=self.pipeline)[
            "PipelineExecutionSummaries"
        ]
        return found

    def start_calls(self) -> list[dict[str, Any]]:
        role = f":assumed-role/mlops-{self.project.project_id}-retrain-start/"
        return [
            d
            for d in read_decisions(self.local_aws.decisions_file)
            if d["action"] == "sagemaker:StartPipelineExecution" and role in d["principal"]
        ]


@pytest.fixture(scope="module")
def retraining(local_aws: LocalAws) -> Retraining:
    return Retraining(local_aws)


def test_a_burst_of_uploads_under_the_data_prefix_starts_exactly_one_pipeline_execution(
    retraining: Retraining,
) -> None:
    assert retraining.project.stack_status == "CREATE_COMPLETE", retraining.project.errors
    s3 = retraining.catalog.admin.client("s3")
    for index in range(5):
        s3.put_object(Bucket=retraining.bucket, Key=f"data/day-1/part-{index}.csv", Body=b"target,x\n1,2\n")
    assert _eventually(retraining.executions)
    time.sleep(WINDOW + 4)  # a second execution, if the burst had scheduled one, would have started by now
    executions = retraining.executions()
    assert len(executions) == 1
    described = retraining.sagemaker.list_pipeline_parameters_for_execution(
        PipelineExecutionArn=executions[0]["PipelineExecutionArn"]
    )["PipelineParameters"]
    assert described == [{"Name": "InputDataUrl", "Value": f"s3://{retraining.bucket}/data/"}]
    calls = retraining.start_calls()
    assert [(c["allowed"], c["resource"].rsplit(":", 1)[-1]) for c in calls] == [
        (True, f"pipeline/{retraining.pipeline}")
    ]
    # The one-shot schedule deleted itself: the next burst may schedule the next run.
    scheduler = retraining.catalog.admin.client("scheduler")
    assert _eventually(
        lambda: scheduler.list_schedules(NamePrefix=f"mlops-{retraining.project.project_id}")["Schedules"] == []
    )


def test_objects_outside_the_data_prefix_start_nothing(retraining: Retraining) -> None:
    before = len(retraining.executions())
    s3 = retraining.catalog.admin.client("s3")
    s3.put_object(Bucket=retraining.bucket, Key=f"{retraining.project.name}/models/model.tar.gz", Body=b"model")
    time.sleep(WINDOW + 4)
    assert len(retraining.executions()) == before
