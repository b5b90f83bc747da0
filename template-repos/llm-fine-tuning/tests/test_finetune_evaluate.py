"""Fine-tuning a tiny randomly initialised model on the CPU (needs torch; skipped with a message without it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch", reason="torch is not installed: the local fine-tuning tests are skipped")


def test_the_tokenizer_is_trained_on_the_fly_and_round_trips() -> None:
    from steps import modeling

    tokenizer = modeling.train_tokenizer(["### Instruction:\nReverse the word.\n### Response:\nlwo"] * 20, 300)
    ids = tokenizer("Reverse the word.")["input_ids"]
    assert tokenizer.decode(ids) == "Reverse the word."
    assert tokenizer.pad_token == tokenizer.eos_token == modeling.EOS


def test_lora_trains_a_small_share_and_leaves_the_base_weights_untouched() -> None:
    from steps import finetune, modeling

    texts = [f"### Instruction:\nEcho.\n### Response:\n{w}" for w in ("cat", "dog", "owl", "fox")] * 4
    base, tokenizer = modeling.load_base(modeling.TINY, texts, seed=0)
    frozen = {name: p.detach().clone() for name, p in base.named_parameters()}
    model = finetune.apply_lora(base, r=4, alpha=8, dropout=0.0, target_modules=["c_attn"])
    assert 0 < finetune.trainable_share(model) < 0.2
    losses = finetune.train(model, tokenizer, texts, epochs=3, learning_rate=5e-3, batch_size=4, max_length=32)
    assert losses[-1] < losses[0]
    for name, parameter in model.get_base_model().named_parameters():
        if "lora_" not in name:
            assert torch.equal(parameter, frozen[name.replace(".base_layer", "")]), f"{name} changed"


def test_the_improvement_is_relative_to_the_baseline() -> None:
    from steps import evaluate

    assert evaluate.compare(100.0, 80.0) == {"baseline": 100.0, "fine_tuned": 80.0, "relative_improvement": 0.2}
    assert evaluate.compare(100.0, 120.0)["relative_improvement"] < 0


def test_the_local_run_beats_the_baseline_and_would_register(local_run: tuple[dict[str, Any], Path]) -> None:
    metrics, output = local_run
    ppl = metrics["perplexity"]
    assert ppl["fine_tuned"] < ppl["baseline"]
    assert metrics["registered"] is True
    assert json.loads((output / "report" / "metrics.json").read_text()) == metrics
    assert (output / "report" / "training.png").read_bytes().startswith(b"\x89PNG")


def test_the_saved_adapter_reloads_with_the_same_perplexity(local_run: tuple[dict[str, Any], Path]) -> None:
    from steps import modeling

    metrics, output = local_run
    model, tokenizer = modeling.load_tuned(output / "model")
    texts = [row["text"] for row in modeling.read_jsonl(output / "data" / "eval")]
    assert modeling.perplexity(model, tokenizer, texts, 128) == pytest.approx(
        metrics["perplexity"]["fine_tuned"], rel=1e-4
    )


def test_the_inference_handler_generates_text(local_run: tuple[dict[str, Any], Path]) -> None:
    from steps import inference

    _, output = local_run
    loaded = inference.model_fn(str(output / "model"))
    answer = inference.predict_fn(
        {
            "inputs": "### Instruction:\nReverse the word.\n\n### Input:\ncat\n\n### Response:\n",
            "parameters": {"max_new_tokens": 5},
        },
        loaded,
    )
    assert isinstance(answer[0]["generated_text"], str)
