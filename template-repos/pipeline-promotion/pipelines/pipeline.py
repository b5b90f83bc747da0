"""The promotable pipeline: preprocess -> train -> evaluate -> condition -> batch inference (SDK v2).

Everything that differs between accounts is a pipeline parameter (the jobs' role, the artifact root, the code
location), so the definition JSON holds no account id, bucket or role: it is built once and the same bytes run in
dev, preprod and prod. Building it needs no AWS call at all.
"""

from __future__ import annotations

import boto3
from sagemaker import image_uris
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep

from pipelines.config import Config

CODE_DIR = "/opt/ml/processing/code"
PARAMETERS = (
    "ExecutionRoleArn",
    "ArtifactRoot",
    "CodeUri",
    "InputDataUrl",
    "ScoringDataUrl",
    "ProcessingInstanceType",
    "MetricThreshold",
)


# SDK defaults: no usage telemetry (building a definition must not call anything but AWS).
SDK_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}


def pipeline_session(region: str) -> PipelineSession:
    """A session that records jobs into the definition; its bucket is never used (all locations are parameters)."""
    return PipelineSession(
        boto_session=boto3.Session(region_name=region),
        default_bucket="unused-by-this-pipeline",
        sagemaker_config=SDK_CONFIG,
    )


def get_pipeline(*, config: Config, session: PipelineSession, pipeline_name: str) -> Pipeline:
    role = ParameterString(name="ExecutionRoleArn")
    artifact_root = ParameterString(name="ArtifactRoot")  # s3://<bucket>/<project>/pipeline
    code_uri = ParameterString(name="CodeUri")  # s3://<bucket>/<project>/pipeline-code/<sha256>/
    input_data = ParameterString(name="InputDataUrl", default_value=config.input_data)
    scoring_data = ParameterString(name="ScoringDataUrl", default_value=config.scoring_data)
    instance_type = ParameterString(name="ProcessingInstanceType", default_value=config.processing_instance_type)
    threshold = ParameterFloat(name="MetricThreshold", default_value=config.threshold)
    image = image_uris.retrieve("sklearn", session.boto_region_name, version=config.sklearn_framework_version)

    def run_root(*parts: str) -> Join:
        return Join(on="/", values=[artifact_root, "runs", ExecutionVariables.PIPELINE_EXECUTION_ID, *parts])

    def processor(script: str, *arguments: object) -> Processor:
        return Processor(
            image_uri=image,
            role=role,
            instance_type=instance_type,
            instance_count=1,
            entrypoint=["python3", f"{CODE_DIR}/{script}", *map(str, arguments)],
            sagemaker_session=session,
        )

    code = ProcessingInput(source=code_uri, destination=CODE_DIR, input_name="code")

    preprocess = ProcessingStep(
        name="PreprocessData",
        step_args=processor(
            "preprocess.py",
            "--output-dir",
            "/opt/ml/processing",
            "--label-column",
            config.label_column,
            "--validation-fraction",
            config.validation_fraction,
            "--test-fraction",
            config.test_fraction,
            "--seed",
            config.seed,
        ).run(
            inputs=[code],
            outputs=[
                ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}", destination=run_root(n))
                for n in ("train", "validation", "test")
            ],
            arguments=["--input-data", input_data],
        ),
    )
    splits = preprocess.properties.ProcessingOutputConfig.Outputs
    hp = config.hyperparameters
    train = ProcessingStep(
        name="TrainModel",
        step_args=processor(
            "train.py",
            "--max-iter",
            hp["max-iter"],
            "--learning-rate",
            hp["learning-rate"],
            "--max-depth",
            hp["max-depth"],
        ).run(
            inputs=[
                code,
                ProcessingInput(source=splits["train"].S3Output.S3Uri, destination="/opt/ml/processing/train"),
            ],
            outputs=[
                ProcessingOutput(output_name="model", source="/opt/ml/processing/model", destination=run_root("model"))
            ],
        ),
    )
    model_uri = train.properties.ProcessingOutputConfig.Outputs["model"].S3Output.S3Uri
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="EvaluateModel",
        step_args=processor("evaluate.py").run(
            inputs=[
                code,
                ProcessingInput(source=model_uri, destination="/opt/ml/processing/model"),
                ProcessingInput(source=splits["test"].S3Output.S3Uri, destination="/opt/ml/processing/test"),
            ],
            outputs=[
                ProcessingOutput(
                    output_name="evaluation", source="/opt/ml/processing/evaluation", destination=run_root("evaluation")
                )
            ],
        ),
        property_files=[report],
    )
    infer = ProcessingStep(
        name="BatchInference",
        step_args=processor("batch_inference.py", "--label-column", config.label_column).run(
            inputs=[code, ProcessingInput(source=model_uri, destination="/opt/ml/processing/model")],
            outputs=[
                ProcessingOutput(
                    output_name="predictions",
                    source="/opt/ml/processing/predictions",
                    destination=run_root("predictions"),
                )
            ],
            arguments=["--scoring-data", scoring_data],
        ),
    )
    gate = ConditionStep(
        name="CheckMetricThreshold",
        conditions=[
            ConditionGreaterThanOrEqualTo(
                left=JsonGet(
                    step_name=evaluate.name,
                    property_file=report,
                    json_path=f"binary_classification_metrics.{config.metric}.value",
                ),
                right=threshold,
            )
        ],
        if_steps=[infer],
        else_steps=[
            FailStep(
                name="MetricBelowThreshold",
                error_message=Join(on=" ", values=[f"test {config.metric} below", threshold]),
            )
        ],
    )
    return Pipeline(
        name=pipeline_name,
        parameters=[role, artifact_root, code_uri, input_data, scoring_data, instance_type, threshold],
        steps=[preprocess, train, evaluate, gate],
        sagemaker_session=session,
    )
