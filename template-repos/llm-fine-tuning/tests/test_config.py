from __future__ import annotations

from typing import Any

import pytest
import yaml

from pipelines import config


def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(config.DEFAULT_CONFIG.read_text())
    return loaded


def test_the_shipped_config_declares_perplexity_and_a_pending_approval() -> None:
    loaded = config.load()
    assert loaded.metric == "perplexity"
    assert loaded.approval_status == "PendingManualApproval"
    assert loaded.local_base_model == "local:tiny"


def test_another_metric_is_refused() -> None:
    data = _data()
    data["evaluation"]["metric"] = "bleu"
    with pytest.raises(config.ConfigError, match=r"evaluation\.metric"):
        config.parse(data)


def test_an_improvement_outside_zero_one_is_refused() -> None:
    data = _data()
    data["evaluation"]["min_relative_improvement"] = 1.5
    with pytest.raises(config.ConfigError, match="min_relative_improvement"):
        config.parse(data)


def test_a_missing_lora_field_is_named() -> None:
    data = _data()
    del data["lora"]["r"]
    with pytest.raises(config.ConfigError, match=r"lora\.r"):
        config.parse(data)


def test_the_projects_base_model_and_instance_type_override_the_config() -> None:
    """BASE_MODEL_ID and TRAINING_INSTANCE_TYPE are the project's Studio parameters, set on this repository."""
    loaded = config.load(environ={"BASE_MODEL_ID": "huggingface-llm-mistral-7b", "TRAINING_INSTANCE_TYPE": "ml.g5.12xlarge"})
    assert (loaded.base_model, loaded.training_instance_type) == ("huggingface-llm-mistral-7b", "ml.g5.12xlarge")
    assert loaded.hyperparameters()["base-model"] == "huggingface-llm-mistral-7b"
    assert config.load(environ={}).base_model == _data()["base_model"]
