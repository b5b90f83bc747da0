"""Fine-tune: attach a LoRA adapter (peft) to the base model and train only the adapter on the instruction set.

SageMaker runs this file as the entry point of its Hugging Face training container: hyperparameters arrive as
`--epochs` etc., data in SM_CHANNEL_TRAIN, output to SM_MODEL_DIR (adapter/, tokenizer/, base_model.json,
training_log.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path
from typing import Any

import torch

try:  # in the container the step scripts sit side by side
    import modeling
except ModuleNotFoundError:  # in the repository they form the `steps` package
    from steps import modeling


def apply_lora(model: Any, r: int, alpha: int, dropout: float, target_modules: list[str]) -> Any:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=target_modules,
        task_type="CAUSAL_LM",
        fan_in_fan_out=model.config.model_type == "gpt2",
    )
    return get_peft_model(model, config)


def trainable_share(model: Any) -> float:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable / sum(p.numel() for p in model.parameters())


def train(
    model: Any,
    tokenizer: Any,
    texts: list[str],
    epochs: int,
    learning_rate: float,
    batch_size: int,
    max_length: int,
    seed: int = 0,
) -> list[float]:
    """Plain AdamW loop over the adapter's parameters; the loss of every step."""
    torch.manual_seed(seed)
    order = list(range(len(texts)))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate)
    model.train()
    losses = []
    for epoch in range(epochs):
        random.Random(seed + epoch).shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = modeling.encode(tokenizer, [texts[i] for i in order[start : start + batch_size]], max_length)
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(round(loss.item(), 5))
    return losses


def run(
    train_dir: Path,
    model_dir: Path,
    base_model: str,
    r: int,
    alpha: int,
    dropout: float,
    target_modules: list[str],
    epochs: int,
    learning_rate: float,
    batch_size: int,
    max_length: int,
    seed: int = 0,
) -> dict[str, Any]:
    texts = [row["text"] for row in modeling.read_jsonl(train_dir)]
    base, tokenizer = modeling.load_base(base_model, texts, seed)
    if base_model == modeling.TINY:
        target_modules = ["c_attn"]  # GPT-2's fused attention projection
    modeling.save_base_reference(base_model, base, model_dir)
    model = apply_lora(base, r, alpha, dropout, target_modules)
    losses = train(model, tokenizer, texts, epochs, learning_rate, batch_size, max_length, seed)
    model.save_pretrained(model_dir / "adapter")
    tokenizer.save_pretrained(model_dir / "tokenizer")
    log = {
        "base_model": base_model,
        "trainable_share": trainable_share(model),
        "losses": losses,
        "train_examples": len(texts),
    }
    (model_dir / "training_log.json").write_text(json.dumps(log))
    return log


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-model", default=modeling.TINY)
    parser.add_argument("--lora-r", type=int, default=8)
    parser.add_argument("--lora-alpha", type=int, default=16)
    parser.add_argument("--lora-dropout", type=float, default=0.05)
    parser.add_argument("--target-modules", default="q_proj,v_proj")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--train", type=Path, default=Path(os.environ.get("SM_CHANNEL_TRAIN", "data/train")))
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get("SM_MODEL_DIR", "model")))
    args = parser.parse_args(argv)
    log = run(
        args.train,
        args.model_dir,
        args.base_model,
        args.lora_r,
        args.lora_alpha,
        args.lora_dropout,
        args.target_modules.split(","),
        args.epochs,
        args.learning_rate,
        args.batch_size,
        args.max_length,
    )
    print(json.dumps({k: v for k, v in log.items() if k != "losses"} | {"final_loss": log["losses"][-1]}))


if __name__ == "__main__":
    main()
