"""The promotable definition: its steps, parameters, gate, and that it holds nothing account-specific."""

from __future__ import annotations

import json
from typing import Any

from pipelines import config, promote
from tests.conftest import PROJECT, REGION


def test_steps_train_evaluate_gate_then_score(definition: dict[str, Any]) -> None:
    assert [(s["Name"], s["Type"]) for s in definition["Steps"]] == [
        ("PreprocessData", "Processing"),
        ("TrainModel", "Processing"),
        ("EvaluateModel", "Processing"),
        ("CheckMetricThreshold", "Condition"),
    ]
    gate = definition["Steps"][3]["Arguments"]
    assert [(s["Name"], s["Type"]) for s in gate["IfSteps"]] == [("BatchInference", "Processing")]
    assert [(s["Name"], s["Type"]) for s in gate["ElseSteps"]] == [("MetricBelowThreshold", "Fail")]
    (condition,) = gate["Conditions"]
    assert condition["Type"] == "GreaterThanOrEqualTo"
    assert condition["LeftValue"]["Std:JsonGet"]["Path"] == "binary_classification_metrics.auc.value"
    assert condition["RightValue"] == {"Get": "Parameters.MetricThreshold"}


def test_account_specific_values_are_parameters_without_defaults(definition: dict[str, Any]) -> None:
    parameters = {p["Name"]: p for p in definition["Parameters"]}
    assert tuple(parameters) == promote_parameters()
    for name in ("ExecutionRoleArn", "ArtifactRoot", "CodeUri"):
        assert "DefaultValue" not in parameters[name], f"{name} must be supplied per account"
    for step in definition["Steps"][:3]:
        assert step["Arguments"]["RoleArn"] == {"Get": "Parameters.ExecutionRoleArn"}


def promote_parameters() -> tuple[str, ...]:
    from pipelines.pipeline import PARAMETERS

    return PARAMETERS


def test_the_definition_holds_no_account_bucket_or_role(definition_bytes: bytes) -> None:
    text = definition_bytes.decode()
    assert "arn:aws:iam::" not in text
    assert "s3://" not in text
    assert "unused-by-this-pipeline" not in text


def test_building_twice_gives_the_same_bytes(definition_bytes: bytes) -> None:
    assert promote.build_definition(config.load(), REGION, PROJECT) == definition_bytes


def test_every_step_gets_the_code_from_the_code_uri_parameter(definition: dict[str, Any]) -> None:
    steps = [*definition["Steps"][:3], *definition["Steps"][3]["Arguments"]["IfSteps"]]
    for step in steps:
        inputs = {i["InputName"]: i["S3Input"] for i in step["Arguments"]["ProcessingInputs"]}
        assert inputs["code"]["S3Uri"] == {"Get": "Parameters.CodeUri"}
        assert step["Arguments"]["AppSpecification"]["ContainerEntrypoint"][1].startswith("/opt/ml/processing/code/")


def test_outputs_land_under_the_artifact_root_per_execution(definition: dict[str, Any]) -> None:
    output = definition["Steps"][0]["Arguments"]["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    assert json.dumps(output) == json.dumps(
        {
            "Std:Join": {
                "On": "/",
                "Values": [
                    {"Get": "Parameters.ArtifactRoot"},
                    "runs",
                    {"Get": "Execution.PipelineExecutionId"},
                    "train",
                ],
            }
        }
    )
