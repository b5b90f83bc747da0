"""The fine-tuning pipeline definition, built offline against local AWS (no torch needed)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GROUP, build


def test_steps_prepare_finetune_evaluate_then_the_gate(definition: dict[str, Any]) -> None:
    assert [(s["Name"], s["Type"]) for s in definition["Steps"]] == [
        ("PrepareDataset", "Processing"),
        ("FineTuneLoRA", "Training"),
        ("EvaluateAgainstBaseline", "Processing"),
        ("BetterThanBaseline", "Condition"),
    ]


def test_parameters_make_the_base_model_and_the_bar_configurable(definition: dict[str, Any]) -> None:
    parameters = {p["Name"]: p.get("DefaultValue") for p in definition["Parameters"]}
    assert parameters == {
        "BaseModel": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "DatasetUrl": "builtin:synthetic",
        "TrainingInstanceType": "ml.g5.2xlarge",
        "MinRelativeImprovement": 0.05,
        "ModelApprovalStatus": "PendingManualApproval",
    }


def test_training_is_lora_on_the_base_model_parameter(definition: dict[str, Any]) -> None:
    training = definition["Steps"][1]["Arguments"]
    hyperparameters = training["HyperParameters"]
    assert hyperparameters["base-model"] == {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.BaseModel"}]}} or (
        hyperparameters["base-model"] == {"Get": "Parameters.BaseModel"}
    )
    assert hyperparameters["lora-r"] == '"8"'
    assert hyperparameters["sagemaker_program"] == '"finetune.py"'
    assert "huggingface-pytorch-training" in training["AlgorithmSpecification"]["TrainingImage"]


def test_the_gate_registers_only_when_better_than_the_baseline(definition: dict[str, Any]) -> None:
    gate = definition["Steps"][3]["Arguments"]
    (condition,) = gate["Conditions"]
    assert condition["Type"] == "GreaterThanOrEqualTo"
    assert condition["LeftValue"]["Std:JsonGet"]["Path"] == "perplexity.relative_improvement"
    assert condition["LeftValue"]["Std:JsonGet"]["PropertyFile"] == {
        "Get": "Steps.EvaluateAgainstBaseline.PropertyFiles.EvaluationReport"
    }
    assert condition["RightValue"] == {"Get": "Parameters.MinRelativeImprovement"}
    assert [s["Type"] for s in gate["ElseSteps"]] == ["Fail"]
    (register,) = [s for s in gate["IfSteps"] if s["Type"] == "RegisterModel"]
    assert register["Arguments"]["ModelPackageGroupName"] == GROUP
    assert register["Arguments"]["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}


def test_building_the_definition_sends_no_usage_telemetry(local_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import sagemaker.telemetry.telemetry_logging as telemetry

    sent: list[object] = []
    monkeypatch.setattr(telemetry, "_send_telemetry_request", lambda *args, **kwargs: sent.append(args))
    build("telemetry-check")
    assert sent == []
