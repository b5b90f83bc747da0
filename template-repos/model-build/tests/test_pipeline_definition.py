"""The pipeline definition, built offline against local AWS: steps, parameters, condition, registration target."""

from __future__ import annotations

from typing import Any

from tests.conftest import GROUP, ROLE


def _steps(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            found[step["Name"]] = step
            walk(step.get("Arguments", {}).get("IfSteps", []))
            walk(step.get("Arguments", {}).get("ElseSteps", []))

    walk(definition["Steps"])
    return found


def test_top_level_steps_run_preprocess_train_evaluate_then_the_gate(definition: dict[str, Any]) -> None:
    assert [(s["Name"], s["Type"]) for s in definition["Steps"]] == [
        ("PreprocessData", "Processing"),
        ("TrainModel", "Training"),
        ("EvaluateModel", "Processing"),
        ("CheckMetricThreshold", "Condition"),
    ]


def test_parameters_and_their_defaults_come_from_config(definition: dict[str, Any]) -> None:
    parameters = {p["Name"]: p for p in definition["Parameters"]}
    assert set(parameters) == {
        "InputDataUrl",
        "ProcessingInstanceType",
        "TrainingInstanceType",
        "MetricThreshold",
        "ModelApprovalStatus",
    }
    assert parameters["MetricThreshold"] == {"Name": "MetricThreshold", "Type": "Float", "DefaultValue": 0.9}
    assert parameters["ModelApprovalStatus"]["DefaultValue"] == "PendingManualApproval"
    assert parameters["InputDataUrl"]["DefaultValue"] == "builtin:breast_cancer"


def test_preprocessing_records_its_data_and_always_reads_the_data_again(definition: dict[str, Any]) -> None:
    """A retrain on new data starts the pipeline with the same InputDataUrl (the data prefix): a cached
    preprocessing (keyed on its arguments) would reuse the old split, so it is never cached."""
    preprocess = _steps(definition)["PreprocessData"]
    outputs = [o["OutputName"] for o in preprocess["Arguments"]["ProcessingOutputConfig"]["Outputs"]]
    assert outputs == ["train", "validation", "test", "manifest"]
    assert "CacheConfig" not in preprocess or preprocess["CacheConfig"]["Enabled"] is False


def test_training_reads_the_preprocessed_splits(definition: dict[str, Any]) -> None:
    train = _steps(definition)["TrainModel"]["Arguments"]
    sources = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in train["InputDataConfig"]}
    assert sources["train"] == {"Get": "Steps.PreprocessData.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}
    assert train["ResourceConfig"]["InstanceType"] == {"Get": "Parameters.TrainingInstanceType"}
    assert train["RoleArn"] == ROLE


def test_condition_compares_the_evaluation_metric_with_the_threshold(definition: dict[str, Any]) -> None:
    condition = _steps(definition)["CheckMetricThreshold"]["Arguments"]
    (check,) = condition["Conditions"]
    assert check["Type"] == "GreaterThanOrEqualTo"
    assert check["LeftValue"]["Std:JsonGet"]["Path"] == "binary_classification_metrics.auc.value"
    assert check["LeftValue"]["Std:JsonGet"]["PropertyFile"] == {
        "Get": "Steps.EvaluateModel.PropertyFiles.EvaluationReport"
    }
    assert check["RightValue"] == {"Get": "Parameters.MetricThreshold"}
    assert [s["Type"] for s in condition["IfSteps"]] == ["RegisterModel"]
    assert [(s["Name"], s["Type"]) for s in condition["ElseSteps"]] == [("MetricBelowThreshold", "Fail")]


def test_registration_targets_the_project_group_pending_manual_approval(definition: dict[str, Any]) -> None:
    (register,) = [s for s in _steps(definition).values() if s["Type"] == "RegisterModel"]
    arguments = register["Arguments"]
    assert arguments["ModelPackageGroupName"] == GROUP
    assert arguments["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}
    (container,) = arguments["InferenceSpecification"]["Containers"]
    assert container["ModelDataUrl"] == {"Get": "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts"}
    statistics = arguments["ModelMetrics"]["ModelQuality"]["Statistics"]
    assert statistics["ContentType"] == "application/json"


def test_step_code_is_uploaded_to_the_artifact_bucket_under_a_stable_key(definition: dict[str, Any]) -> None:
    from tests.conftest import BUCKET

    (register,) = [s for s in _steps(definition).values() if s["Type"] == "RegisterModel"]
    submit = register["Arguments"]["InferenceSpecification"]["Containers"][0]["Environment"]
    assert submit["SAGEMAKER_SUBMIT_DIRECTORY"].startswith(f"s3://{BUCKET}/churn/code/")
    assert submit["SAGEMAKER_PROGRAM"] == "train.py"


def test_building_the_definition_sends_no_usage_telemetry(local_aws: None, monkeypatch: Any) -> None:
    import json

    import sagemaker.telemetry.telemetry_logging as telemetry

    from pipelines import config
    from pipelines.pipeline import get_pipeline, pipeline_session
    from tests.conftest import BUCKET, REGION

    sent: list[object] = []
    monkeypatch.setattr(telemetry, "_send_telemetry_request", lambda *args, **kwargs: sent.append(args))
    pipeline = get_pipeline(
        config=config.load(),
        session=pipeline_session(REGION, BUCKET),
        role=ROLE,
        pipeline_name="telemetry-check",
        model_package_group_name=GROUP,
        base_job_prefix="t",
    )
    assert json.loads(pipeline.definition())["Steps"]
    assert sent == []
