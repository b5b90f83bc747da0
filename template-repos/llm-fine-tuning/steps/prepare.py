"""Prepare the instruction dataset: records -> prompt/response texts -> train and eval JSON lines.

Runs as a SageMaker Processing job or locally; needs only the standard library (and boto3 for s3:// inputs).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

PROMPT = "### Instruction:\n{instruction}\n\n{input_block}### Response:\n"
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white"]
ANIMALS = ["cat", "dog", "horse", "owl", "fox", "bear", "wolf", "mouse"]


def synthetic(count: int = 320, seed: int = 7) -> list[dict[str, str]]:
    """A deterministic instruction set with learnable answers (reverse, upper-case, count, add)."""
    rng = random.Random(seed)
    records = []
    for index in range(count):
        kind = index % 4
        word = rng.choice(COLOURS + ANIMALS)
        if kind == 0:
            records.append({"instruction": "Reverse the word.", "input": word, "output": word[::-1]})
        elif kind == 1:
            records.append({"instruction": "Write the word in capital letters.", "input": word, "output": word.upper()})
        elif kind == 2:
            records.append(
                {"instruction": "How many letters does the word have?", "input": word, "output": str(len(word))}
            )
        else:
            a, b = rng.randint(0, 9), rng.randint(0, 9)
            records.append({"instruction": "Add the two numbers.", "input": f"{a} {b}", "output": str(a + b)})
    return records


def load(source: str, seed: int) -> list[dict[str, Any]]:
    if source == "builtin:synthetic":
        return synthetic(seed=seed)
    if source.startswith("s3://"):
        import boto3

        bucket, _, key = source.removeprefix("s3://").partition("/")
        text = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    else:
        path = Path(source)
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        text = "\n".join(f.read_text() for f in files)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def to_example(record: dict[str, Any]) -> dict[str, str]:
    """One record as the prompt the model sees and the response it must learn."""
    if not record.get("instruction") or "output" not in record:
        raise ValueError(f"an instruction record needs `instruction` and `output`: {str(record)[:80]}")
    extra = str(record.get("input") or "").strip()
    prompt = PROMPT.format(instruction=record["instruction"], input_block=f"### Input:\n{extra}\n\n" if extra else "")
    response = str(record["output"])
    return {"prompt": prompt, "response": response, "text": prompt + response}


def split(examples: list[dict[str, str]], eval_fraction: float, seed: int) -> dict[str, list[dict[str, str]]]:
    if not 0 < eval_fraction < 1:
        raise ValueError("eval_fraction must lie strictly between 0 and 1")
    shuffled = examples[:]
    random.Random(seed).shuffle(shuffled)
    cut = max(1, round(len(shuffled) * eval_fraction))
    return {"eval": shuffled[:cut], "train": shuffled[cut:]}


def run(source: str, output_dir: Path, eval_fraction: float, seed: int) -> dict[str, int]:
    parts = split([to_example(r) for r in load(source, seed)], eval_fraction, seed)
    counts = {}
    for name, rows in parts.items():
        target = output_dir / name / f"{name}.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(json.dumps(row) + "\n" for row in rows))
        counts[name] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default="builtin:synthetic")
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing"))
    parser.add_argument("--eval-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.dataset, args.output_dir, args.eval_fraction, args.seed)))


if __name__ == "__main__":
    main()
