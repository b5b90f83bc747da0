"""Evaluate: perplexity of the eval split for the untouched base model (baseline) and the fine-tuned model.

Writes `evaluation.json`: {"metric": "perplexity", "lower_is_better": true, "perplexity": {"baseline",
"fine_tuned", "relative_improvement"}}. The pipeline registers the model only when relative_improvement reaches
the configured minimum. Runs as a SageMaker Processing job (Hugging Face container) or locally.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

try:  # in the container the step scripts sit side by side
    import modeling
except ModuleNotFoundError:  # in the repository they form the `steps` package
    from steps import modeling


def compare(baseline: float, fine_tuned: float) -> dict[str, float]:
    return {"baseline": baseline, "fine_tuned": fine_tuned, "relative_improvement": (baseline - fine_tuned) / baseline}


def run(model_dir: Path, eval_dir: Path, output_dir: Path, max_length: int) -> dict[str, Any]:
    model, tokenizer = modeling.load_tuned(model_dir)
    texts = [row["text"] for row in modeling.read_jsonl(eval_dir)]
    with model.disable_adapter():
        baseline = modeling.perplexity(model, tokenizer, texts, max_length)
    fine_tuned = modeling.perplexity(model, tokenizer, texts, max_length)
    report = {
        "metric": "perplexity",
        "lower_is_better": True,
        "perplexity": compare(baseline, fine_tuned),
        "eval_examples": len(texts),
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "evaluation.json").write_text(json.dumps(report, indent=2))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--eval-dir", type=Path, default=Path("/opt/ml/processing/eval"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/evaluation"))
    parser.add_argument("--max-length", type=int, default=128)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.model_dir, args.eval_dir, args.output_dir, args.max_length)["perplexity"]))


if __name__ == "__main__":
    main()
