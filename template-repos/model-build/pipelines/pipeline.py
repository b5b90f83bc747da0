"""The model-build SageMaker pipeline: preprocess -> train -> evaluate -> condition -> register.

With config.yaml's `inference_pipeline.enabled`, a FitPreprocessor step runs after preprocess and the registered
package holds two containers, the fitted preprocessor and the model (pipelines/inference_pipeline.py).

SageMaker Python SDK v2 (see README, "Why SDK v2"). `get_pipeline` only builds the definition; nothing runs until
`run_pipeline.py` upserts and starts it. Building it uploads the step scripts to the artifact bucket (that is how
SageMaker jobs get their code), so tests point the SDK at local AWS (moto) with fake credentials.
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.pipeline import PipelineModel
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.model import SKLearnModel
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
from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep

from pipelines import container_image, inference_pipeline
from pipelines.config import Config

STEPS_DIR = Path(__file__).resolve().parent.parent / "steps"
METRIC_JSON_PATH = "binary_classification_metrics.{metric}.value"


# SDK defaults: no usage telemetry (building a definition must not call anything but AWS).
SDK_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}


def pipeline_session(region: str, default_bucket: str) -> PipelineSession:
    """A session that records jobs into the pipeline definition instead of starting them."""
    return PipelineSession(
        boto_session=boto3.Session(region_name=region),
        default_bucket=default_bucket,
        sagemaker_config=SDK_CONFIG,
    )


def serving_image_uri(config: Config, region: str) -> str:
    """The inference image RegisterModel registers: SageMaker's scikit-learn image for config.yaml's framework
    version (what SKLearnModel would pick itself); `make run-local` records it for the model it trained."""
    from sagemaker import image_uris

    return str(
        image_uris.retrieve(
            "sklearn",
            region,
            version=config.sklearn_framework_version,
            py_version="py3",
            instance_type=config.inference_instance_types[0],
        )
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
    """Build the pipeline. `role` is the SageMaker execution role the jobs run as (PIPELINE_EXECUTION_ROLE_ARN)."""
    bucket = session.default_bucket()
    prefix = f"s3://{bucket}/{base_job_prefix}"
    # The project's own image (bring your own container) when config.yaml's container.image selects it.
    own_image = container_image.own_image(config, os.environ, session.boto_session.client("ecr"))
    cache = CacheConfig(enable_caching=True, expire_after="P30D")

    input_data = ParameterString(name="InputDataUrl", default_value=config.input_data)
    processing_instance_type = ParameterString(
        name="ProcessingInstanceType", default_value=config.processing_instance_type
    )
    training_instance_type = ParameterString(name="TrainingInstanceType", default_value=config.training_instance_type)
    metric_threshold = ParameterFloat(name="MetricThreshold", default_value=config.threshold)
    approval_status = ParameterString(name="ModelApprovalStatus", default_value=config.approval_status)

    processor = SKLearnProcessor(
        framework_version=config.sklearn_framework_version,
        role=role,
        instance_type=processing_instance_type,
        instance_count=config.processing_instance_count,
        base_job_name=f"{base_job_prefix}-preprocess",
        sagemaker_session=session,
    )
    step_preprocess = ProcessingStep(
        name="PreprocessData",
        step_args=processor.run(
            code=str(STEPS_DIR / "preprocess.py"),
            arguments=[
                "--input-data",
                input_data,
                "--output-dir",
                "/opt/ml/processing",
                "--label-column",
                config.label_column,
                "--validation-fraction",
                str(config.validation_fraction),
                "--test-fraction",
                str(config.test_fraction),
                "--seed",
                str(config.seed),
            ],
            outputs=[
                ProcessingOutput(output_name=name, source=f"/opt/ml/processing/{name}")
                for name in ("train", "validation", "test", "manifest")  # manifest: the data this run used
            ],
        ),
    )  # not cached: new data lands under the same InputDataUrl (a retrain must read it, not reuse a past split)

    training = {
        "role": role,
        "instance_type": training_instance_type,
        "instance_count": 1,
        "hyperparameters": {key: str(value) for key, value in config.hyperparameters.items()},
        "output_path": f"{prefix}/models",
        "base_job_name": f"{base_job_prefix}-train",
        "metric_definitions": [{"Name": "validation:auc", "Regex": r"validation_auc=([0-9.]+)"}],
        "sagemaker_session": session,
    }
    estimator = (
        Estimator(image_uri=own_image, **training)
        if own_image
        else SKLearn(
            entry_point="train.py",
            source_dir=str(STEPS_DIR),
            framework_version=config.sklearn_framework_version,
            py_version="py3",
            code_location=f"{prefix}/code",
            **training,
        )
    )
    outputs = step_preprocess.properties.ProcessingOutputConfig.Outputs
    step_featurize = None
    if config.inference_pipeline:
        step_featurize = inference_pipeline.fit_preprocessor_step(
            framework_version=config.sklearn_framework_version,
            role=role,
            instance_type=processing_instance_type,
            session=session,
            base_job_prefix=base_job_prefix,
            steps_dir=STEPS_DIR,
            split_outputs=outputs,
            cache=cache,
        )
        outputs = step_featurize.properties.ProcessingOutputConfig.Outputs
    step_train = TrainingStep(
        name="TrainModel",
        step_args=estimator.fit(
            inputs={
                "train": TrainingInput(outputs["train"].S3Output.S3Uri, content_type="text/csv"),
                "validation": TrainingInput(outputs["validation"].S3Output.S3Uri, content_type="text/csv"),
            }
        ),
        cache_config=cache,
    )

    evaluation_report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluation = {
        "role": role,
        "instance_type": processing_instance_type,
        "instance_count": 1,
        "base_job_name": f"{base_job_prefix}-evaluate",
        "sagemaker_session": session,
    }
    evaluator = (  # the model is evaluated in the image that trained it (same library versions)
        ScriptProcessor(image_uri=own_image, command=["python3"], **evaluation)
        if own_image
        else SKLearnProcessor(framework_version=config.sklearn_framework_version, **evaluation)
    )
    step_evaluate = ProcessingStep(
        name="EvaluateModel",
        step_args=evaluator.run(
            code=str(STEPS_DIR / "evaluate.py"),
            inputs=[
                ProcessingInput(
                    source=step_train.properties.ModelArtifacts.S3ModelArtifacts,
                    destination="/opt/ml/processing/model",
                ),
                ProcessingInput(source=outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
        property_files=[evaluation_report],
    )

    evaluation_uri = Join(
        on="/",
        values=[
            step_evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
            "evaluation.json",
        ],
    )
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts
    model = (
        Model(
            name=f"{base_job_prefix}-model",
            image_uri=own_image,
            model_data=model_data,
            role=role,
            sagemaker_session=session,
        )
        if own_image
        else SKLearnModel(
            name=f"{base_job_prefix}-model",
            code_location=f"{prefix}/code",  # a fixed key keeps the definition identical from build to build
            model_data=model_data,
            image_uri=serving_image_uri(config, session.boto_region_name),
            entry_point="train.py",
            source_dir=str(STEPS_DIR),
            framework_version=config.sklearn_framework_version,
            py_version="py3",
            role=role,
            sagemaker_session=session,
        )
    )
    registered: Model | PipelineModel = model
    if step_featurize is not None:
        registered = inference_pipeline.pipeline_model(
            model=model,
            step=step_featurize,
            image_uri=serving_image_uri(config, session.boto_region_name),
            steps_dir=STEPS_DIR,
            code_location=f"{prefix}/code",
            base_job_prefix=base_job_prefix,
            framework_version=config.sklearn_framework_version,
            role=role,
            session=session,
        )
    step_register = ModelStep(
        name="RegisterModel",
        step_args=registered.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=config.inference_instance_types,
            transform_instances=config.transform_instance_types,
            model_package_group_name=model_package_group_name,
            approval_status=approval_status,
            model_metrics=ModelMetrics(
                model_statistics=MetricsSource(s3_uri=evaluation_uri, content_type="application/json")
            ),
        ),
    )
    step_fail = FailStep(
        name="MetricBelowThreshold",
        error_message=Join(
            on=" ", values=[f"test {config.metric} is below the threshold", metric_threshold, "- model not registered"]
        ),
    )
    step_condition = ConditionStep(
        name="CheckMetricThreshold",
        conditions=[
            ConditionGreaterThanOrEqualTo(
                left=JsonGet(
                    step_name=step_evaluate.name,
                    property_file=evaluation_report,
                    json_path=METRIC_JSON_PATH.format(metric=config.metric),
                ),
                right=metric_threshold,
            )
        ],
        if_steps=[step_register],
        else_steps=[step_fail],
    )

    return Pipeline(
        name=pipeline_name,
        parameters=[input_data, processing_instance_type, training_instance_type, metric_threshold, approval_status],
        steps=[
            step_preprocess,
            *([step_featurize] if step_featurize else []),
            step_train,
            step_evaluate,
            step_condition,
        ],
        sagemaker_session=session,
    )
