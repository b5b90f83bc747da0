"""Inference handlers for the SageMaker Hugging Face serving container: base model + LoRA adapter, merged.

Request: {"inputs": "<prompt>", "parameters": {"max_new_tokens": 64}} -> [{"generated_text": "..."}].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

try:  # in the container the step scripts sit side by side (code/)
    import modeling
except ModuleNotFoundError:  # in the repository they form the `steps` package
    from steps import modeling


def model_fn(model_dir: str) -> tuple[Any, Any]:
    model, tokenizer = modeling.load_tuned(Path(model_dir))
    return model.merge_and_unload().eval(), tokenizer


def predict_fn(data: dict[str, Any], loaded: tuple[Any, Any]) -> list[dict[str, str]]:
    model, tokenizer = loaded
    prompt = str(data["inputs"])
    parameters = {"max_new_tokens": 64, "do_sample": False} | dict(data.get("parameters") or {})
    encoded = tokenizer(prompt, return_tensors="pt")
    generated = model.generate(**encoded, pad_token_id=tokenizer.pad_token_id, **parameters)
    text = tokenizer.decode(generated[0][encoded["input_ids"].shape[1] :], skip_special_tokens=True)
    return [{"generated_text": text}]
