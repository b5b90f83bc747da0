"""The inference pipeline option (config.yaml `inference_pipeline.enabled`): the FitPreprocessor step and the
two-container model it registers (SageMaker PipelineModel: the fitted preprocessor, then the model).

Both containers run SageMaker's scikit-learn image; the first serves `steps/featurize.py` with the preprocessor
the FitPreprocessor step fitted on the train split, the second `steps/train.py` with the trained model. SageMaker
calls them in series behind one endpoint: the preprocessor's answer (CSV, as SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT
asks of it) is the model's request. `make run-local` packs and records the same two containers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sagemaker.pipeline import PipelineModel
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.functions import Join
from sagemaker.workflow.steps import CacheConfig, ProcessingStep

STEP_NAME = "FitPreprocessor"
SPLITS = ("train", "validation", "test")
PREPROCESSOR_OUTPUT = "preprocessor"
ENTRY_POINT = "featurize.py"
# What the preprocessor container answers with when it is not the last container (the model reads CSV).
PREPROCESSOR_ENV = {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}


def fit_preprocessor_step(
    *,
    framework_version: str,
    role: str,
    instance_type: Any,
    session: Any,
    base_job_prefix: str,
    steps_dir: Path,
    split_outputs: Any,
    cache: CacheConfig,
) -> ProcessingStep:
    """Fit the preprocessor on PreprocessData's train split; transform the three splits; save the preprocessor.
    Runs on PreprocessData's scikit-learn image and instance type."""
    processor = SKLearnProcessor(
        framework_version=framework_version,
        role=role,
        instance_type=instance_type,
        instance_count=1,
        base_job_name=f"{base_job_prefix}-featurize",
        sagemaker_session=session,
    )
    return ProcessingStep(
        name=STEP_NAME,
        step_args=processor.run(
            code=str(steps_dir / ENTRY_POINT),
            arguments=["--input-dir", "/opt/ml/processing/input", "--output-dir", "/opt/ml/processing/output"],
            inputs=[
                ProcessingInput(
                    source=split_outputs[name].S3Output.S3Uri, destination=f"/opt/ml/processing/input/{name}"
                )
                for name in SPLITS
            ],
            outputs=[
                ProcessingOutput(output_name=name, source=f"/opt/ml/processing/output/{name}")
                for name in (*SPLITS, PREPROCESSOR_OUTPUT)
            ],
        ),
        cache_config=cache,
    )


def preprocessor_model_data(step: ProcessingStep) -> Join:
    """The fitted preprocessor's model.tar.gz, written by `featurize.package` under the step's output."""
    uri = step.properties.ProcessingOutputConfig.Outputs[PREPROCESSOR_OUTPUT].S3Output.S3Uri
    return Join(on="/", values=[uri, "model.tar.gz"])


def pipeline_model(
    *,
    model: SKLearnModel,
    step: ProcessingStep,
    image_uri: str,
    steps_dir: Path,
    code_location: str,
    base_job_prefix: str,
    framework_version: str,
    role: str,
    session: Any,
) -> PipelineModel:
    """The preprocessor container, then `model`: registered together as one model package."""
    preprocessor = SKLearnModel(
        name=f"{base_job_prefix}-preprocessor",
        code_location=code_location,
        model_data=preprocessor_model_data(step),
        image_uri=image_uri,
        entry_point=ENTRY_POINT,
        source_dir=str(steps_dir),
        framework_version=framework_version,
        py_version="py3",
        env=dict(PREPROCESSOR_ENV),
        role=role,
        sagemaker_session=session,
    )
    return PipelineModel(
        name=f"{base_job_prefix}-pipeline-model", models=[preprocessor, model], role=role, sagemaker_session=session
    )
