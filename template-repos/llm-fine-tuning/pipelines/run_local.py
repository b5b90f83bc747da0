"""Run the fine-tuning steps end to end on this machine's CPU, no SageMaker, no download:
prepare -> LoRA fine-tune a tiny randomly initialised model (tokenizer trained on the fly) -> evaluate against the
untouched base -> gate. Writes `<output>/report/metrics.json` and `<output>/report/training.png`.
Exit 0 when the fine-tuned model would be registered, 2 when not; when torch is not installed, a clear message
and exit 0 (skipped).

    python -m pipelines.run_local --output build/local
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

from pipelines import config as config_module

MISSING = [name for name in ("torch", "transformers", "peft", "tokenizers") if importlib.util.find_spec(name) is None]
SKIP_MESSAGE = (
    "skipped: the local fine-tuning run needs {missing} (not installed here). Install the CPU build with "
    "`pip install -r requirements-dev.txt` (torch==2.13.0; set PIP_EXTRA_INDEX_URL to PyTorch's CPU index where "
    "the default is a CUDA build) and run `make run-local` again."
)


def plot(losses: list[float], evaluation: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(range(1, len(losses) + 1), losses)
    left.set(xlabel="step", ylabel="training loss", title="LoRA fine-tuning")
    ppl = evaluation["perplexity"]
    right.bar(["baseline", "fine-tuned"], [ppl["baseline"], ppl["fine_tuned"]], color=["grey", "tab:green"])
    right.set(ylabel="eval perplexity (lower is better)", title=f"improvement {ppl['relative_improvement']:.1%}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def run(config: config_module.Config, output: Path) -> dict[str, Any]:
    from steps import evaluate, finetune, prepare

    started = time.perf_counter()
    data, model, evaluation_dir, report = (output / p for p in ("data", "model", "evaluation", "report"))
    counts = prepare.run(config.dataset, data, config.eval_fraction, config.seed)
    log = finetune.run(
        data / "train",
        model,
        config.local_base_model,
        config.lora_r,
        config.lora_alpha,
        config.lora_dropout,
        list(config.target_modules),
        config.local_epochs,
        config.local_learning_rate,
        config.local_batch_size,
        config.max_length,
        config.seed,
    )
    evaluation = evaluate.run(model, data / "eval", evaluation_dir, config.max_length)
    improvement = evaluation["perplexity"]["relative_improvement"]
    metrics = {
        "metric": "perplexity",
        "base_model": config.local_base_model,
        "perplexity": evaluation["perplexity"],
        "min_relative_improvement": config.min_relative_improvement,
        "registered": improvement >= config.min_relative_improvement,
        "examples": counts,
        "trainable_share": log["trainable_share"],
        "final_loss": log["losses"][-1],
        "seconds": round(time.perf_counter() - started, 2),
    }
    report.mkdir(parents=True, exist_ok=True)
    (report / "metrics.json").write_text(json.dumps(metrics, indent=2))
    plot(log["losses"], evaluation, report / "training.png")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=config_module.DEFAULT_CONFIG)
    parser.add_argument("--output", type=Path, default=Path("build/local"))
    args = parser.parse_args(argv)
    if MISSING:
        print(SKIP_MESSAGE.format(missing=", ".join(MISSING)))
        return 0
    metrics = run(config_module.load(args.config), args.output)
    ppl = metrics["perplexity"]
    verdict = "would be registered" if metrics["registered"] else "would NOT be registered"
    print(
        f"eval perplexity {ppl['baseline']:.2f} (base) -> {ppl['fine_tuned']:.2f} (LoRA), improvement"
        f" {ppl['relative_improvement']:.1%} (minimum {metrics['min_relative_improvement']:.0%}): {verdict};"
        f" report in {args.output / 'report'} ({metrics['seconds']} s)"
    )
    return 0 if metrics["registered"] else 2


if __name__ == "__main__":
    sys.exit(main())
