from __future__ import annotations

import json
from pathlib import Path

import pytest

from steps import prepare


def test_the_synthetic_set_is_deterministic_and_answerable() -> None:
    first, second = prepare.synthetic(seed=3), prepare.synthetic(seed=3)
    assert first == second
    reverse = next(r for r in first if r["instruction"] == "Reverse the word.")
    assert reverse["output"] == reverse["input"][::-1]


def test_a_record_becomes_a_prompt_and_its_response() -> None:
    example = prepare.to_example({"instruction": "Add the two numbers.", "input": "2 3", "output": "5"})
    assert example["prompt"] == "### Instruction:\nAdd the two numbers.\n\n### Input:\n2 3\n\n### Response:\n"
    assert example["text"] == example["prompt"] + "5"


def test_a_record_without_input_has_no_input_block() -> None:
    assert "### Input" not in prepare.to_example({"instruction": "Say hi.", "output": "hi"})["prompt"]


def test_a_record_without_output_is_refused() -> None:
    with pytest.raises(ValueError, match="instruction` and `output"):
        prepare.to_example({"instruction": "x"})


def test_run_writes_disjoint_train_and_eval_jsonl(tmp_path: Path) -> None:
    counts = prepare.run("builtin:synthetic", tmp_path, 0.25, 1)
    assert counts == {"eval": 80, "train": 240}
    train = [json.loads(line) for line in (tmp_path / "train" / "train.jsonl").read_text().splitlines()]
    evaluation = [json.loads(line) for line in (tmp_path / "eval" / "eval.jsonl").read_text().splitlines()]
    assert len(train) == 240 and set(train[0]) == {"prompt", "response", "text"}
    assert len(train) + len(evaluation) == 320


def test_a_local_jsonl_dataset_is_read(tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    source.write_text('{"instruction": "a", "output": "b"}\n{"instruction": "c", "output": "d"}\n')
    assert prepare.run(str(source), tmp_path / "out", 0.5, 0) == {"eval": 1, "train": 1}
