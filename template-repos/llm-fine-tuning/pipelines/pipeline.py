"""The LLM fine-tuning pipeline: prepare -> fine-tune (LoRA) -> evaluate vs baseline -> condition -> register.

SageMaker Python SDK v2 (see README). Building the definition uploads the step scripts to the artifact bucket;
tests point the SDK at in-process local AWS (moto) with fake credentials.
"""

from __future__ import annotations

from pathlib import Path

import boto3
from sagemaker.huggingface import HuggingFace, HuggingFaceModel, HuggingFaceProcessor
from sagemaker.inputs import TrainingInput
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

from pipelines.config import Config

STEPS_DIR = Path(__file__).resolve().parent.parent / "steps"
IMPROVEMENT_PATH = "perplexity.relative_improvement"


# SDK defaults: no usage telemetry (building a definition must not call anything but AWS).
SDK_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}


def pipeline_session(region: str, default_bucket: str) -> PipelineSession:
    return PipelineSession(
        boto_session=boto3.Session(region_name=region),
        default_bucket=default_bucket,
        sagemaker_config=SDK_CONFIG,
    )


def get_pipeline(
    *,
    config: Config,
    session: PipelineSession,
    role: str,
    pipeline_name: str,
    model_package_group_name: str,
    base_job_prefix: str,
) -> Pipeline:
    prefix = f"s3://{session.default_bucket()}/{base_job_prefix}"
    base_model = ParameterString(name="BaseModel", default_value=config.base_model)
    dataset = ParameterString(name="DatasetUrl", default_value=config.dataset)
    training_instance = ParameterString(name="TrainingInstanceType", default_value=config.training_instance_type)
    min_improvement = ParameterFloat(name="MinRelativeImprovement", default_value=config.min_relative_improvement)
    approval_status = ParameterString(name="ModelApprovalStatus", default_value=config.approval_status)
    hf = {
        "transformers_version": config.transformers_version,
        "pytorch_version": config.pytorch_version,
        "py_version": config.py_version,
    }

    preparer = SKLearnProcessor(
        framework_version="1.2-1",
        role=role,
        instance_type=config.processing_instance_type,
        instance_count=1,
        base_job_name=f"{base_job_prefix}-prepare",
        sagemaker_session=session,
    )
    prepare = ProcessingStep(
        name="PrepareDataset",
        step_args=preparer.run(
            code=str(STEPS_DIR / "prepare.py"),
            arguments=[
                "--dataset",
                dataset,
                "--output-dir",
                "/opt/ml/processing",
                "--eval-fraction",
                str(config.eval_fraction),
                "--seed",
                str(config.seed),
            ],
            outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}") for n in ("train", "eval")],
        ),
    )
    splits = prepare.properties.ProcessingOutputConfig.Outputs
    hyperparameters: dict[str, object] = dict(config.hyperparameters())
    hyperparameters["base-model"] = base_model
    estimator = HuggingFace(
        entry_point="finetune.py",
        source_dir=str(STEPS_DIR),
        role=role,
        instance_type=training_instance,
        instance_count=1,
        hyperparameters=hyperparameters,
        output_path=f"{prefix}/models",
        code_location=f"{prefix}/code",
        base_job_name=f"{base_job_prefix}-finetune",
        sagemaker_session=session,
        **hf,
    )
    finetune = TrainingStep(
        name="FineTuneLoRA",
        step_args=estimator.fit(inputs={"train": TrainingInput(splits["train"].S3Output.S3Uri)}),
    )
    model_data = finetune.properties.ModelArtifacts.S3ModelArtifacts

    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluator = HuggingFaceProcessor(
        role=role,
        instance_type=config.evaluation_instance_type,
        instance_count=1,
        base_job_name=f"{base_job_prefix}-evaluate",
        code_location=f"{prefix}/code",
        sagemaker_session=session,
        **hf,
    )
    evaluate = ProcessingStep(
        name="EvaluateAgainstBaseline",
        step_args=evaluator.run(
            code="evaluate.py",
            source_dir=str(STEPS_DIR),
            arguments=["--max-length", str(config.max_length)],
            inputs=[
                ProcessingInput(source=model_data, destination="/opt/ml/processing/model"),
                ProcessingInput(source=splits["eval"].S3Output.S3Uri, destination="/opt/ml/processing/eval"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
        property_files=[report],
    )
    model = HuggingFaceModel(
        name=f"{base_job_prefix}-llm",
        model_data=model_data,
        role=role,
        entry_point="inference.py",
        source_dir=str(STEPS_DIR),
        code_location=f"{prefix}/code",
        sagemaker_session=session,
        **hf,
    )
    register = ModelStep(
        name="RegisterModel",
        step_args=model.register(
            content_types=["application/json"],
            response_types=["application/json"],
            inference_instances=list(config.inference_instance_types),
            model_package_group_name=model_package_group_name,
            approval_status=approval_status,
            model_metrics=ModelMetrics(
                model_statistics=MetricsSource(
                    s3_uri=Join(
                        on="/",
                        values=[
                            evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
                            "evaluation.json",
                        ],
                    ),
                    content_type="application/json",
                )
            ),
        ),
    )
    gate = ConditionStep(
        name="BetterThanBaseline",
        conditions=[
            ConditionGreaterThanOrEqualTo(
                left=JsonGet(step_name=evaluate.name, property_file=report, json_path=IMPROVEMENT_PATH),
                right=min_improvement,
            )
        ],
        if_steps=[register],
        else_steps=[
            FailStep(
                name="NotBetterThanBaseline",
                error_message=Join(on=" ", values=["perplexity improved by less than", min_improvement]),
            )
        ],
    )
    return Pipeline(
        name=pipeline_name,
        parameters=[base_model, dataset, training_instance, min_improvement, approval_status],
        steps=[prepare, finetune, evaluate, gate],
        sagemaker_session=session,
    )
