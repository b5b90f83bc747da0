"""Model plumbing shared by the fine-tuning, evaluation and inference scripts (they sit side by side in the
container): load the base model, the tiny local stand-in, the tuned adapter, and measure perplexity."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import torch

TINY = "local:tiny"
EOS = "<|endoftext|>"


def train_tokenizer(texts: list[str], vocab_size: int = 512) -> Any:
    """A byte-level BPE tokenizer trained on the fly on the dataset (no download)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=[EOS], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token=EOS, pad_token=EOS)


def tiny_model(vocab_size: int, seed: int = 0) -> Any:
    """A tiny randomly initialised GPT-2 (about 0.1 M parameters): trains in seconds on a CPU."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=vocab_size, n_positions=256, n_embd=64, n_layer=2, n_head=2, bos_token_id=0, eos_token_id=0
    )
    return GPT2LMHeadModel(config)


def load_base(base_model: str, texts: list[str], seed: int = 0) -> tuple[Any, Any]:
    """(model, tokenizer) of the base: the tiny stand-in for `local:tiny`, else a Hugging Face model id or path."""
    if base_model == TINY:
        tokenizer = train_tokenizer(texts)
        return tiny_model(len(tokenizer), seed), tokenizer
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return AutoModelForCausalLM.from_pretrained(base_model), tokenizer


def save_base_reference(base_model: str, model: Any, model_dir: Path) -> None:
    """Record which base the adapter belongs to; the tiny stand-in cannot be re-downloaded, so save its weights."""
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "base_model.json").write_text(json.dumps({"base_model": base_model}))
    if base_model == TINY:
        model.save_pretrained(model_dir / "base")


def unpack(model_dir: Path) -> Path:
    archive = model_dir / "model.tar.gz"
    if archive.exists() and not (model_dir / "base_model.json").exists():
        with tarfile.open(archive) as tar:
            tar.extractall(model_dir, filter="data")
    return model_dir


def load_tuned(model_dir: Path) -> tuple[Any, Any]:
    """(peft model, tokenizer) from a fine-tuning output; `with model.disable_adapter():` gives the baseline."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model_dir = unpack(Path(model_dir))
    base_model = json.loads((model_dir / "base_model.json").read_text())["base_model"]
    source = str(model_dir / "base") if base_model == TINY else base_model
    base = AutoModelForCausalLM.from_pretrained(source)
    tokenizer = AutoTokenizer.from_pretrained(model_dir / "tokenizer")
    return PeftModel.from_pretrained(base, model_dir / "adapter"), tokenizer


def encode(tokenizer: Any, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    batch = tokenizer(
        [t + tokenizer.eos_token for t in texts],
        padding=True,
        truncation=True,
        max_length=max_length,
        return_tensors="pt",
    )
    labels = batch["input_ids"].clone()
    labels[batch["attention_mask"] == 0] = -100
    return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "labels": labels}


@torch.no_grad()
def perplexity(model: Any, tokenizer: Any, texts: list[str], max_length: int, batch_size: int = 16) -> float:
    """exp(mean next-token negative log-likelihood) over all tokens of `texts`: the declared metric."""
    model.eval()
    total_loss, total_tokens = 0.0, 0
    for start in range(0, len(texts), batch_size):
        batch = encode(tokenizer, texts[start : start + batch_size], max_length)
        tokens = int((batch["labels"][:, 1:] != -100).sum())
        total_loss += float(model(**batch).loss) * tokens
        total_tokens += tokens
    return float(torch.exp(torch.tensor(total_loss / max(total_tokens, 1))))


def read_jsonl(folder: Path) -> list[dict[str, Any]]:
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no .jsonl file in {folder}")
    return [json.loads(line) for f in files for line in f.read_text().splitlines() if line.strip()]
