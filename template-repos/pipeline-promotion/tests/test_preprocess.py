from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from steps import preprocess


def test_builtin_dataset_loads_without_download_with_its_label() -> None:
    frame = preprocess.load_raw("builtin:breast_cancer")
    assert len(frame) == 569
    assert set(frame["target"].unique()) == {0, 1}


def test_unknown_builtin_dataset_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="breast_cancer"):
        preprocess.load_raw("builtin:nope")


def test_a_folder_of_csv_files_is_read_as_one_frame(tmp_path: Path) -> None:
    pd.DataFrame({"x": [1, 2], "target": [0, 1]}).to_csv(tmp_path / "a.csv", index=False)
    pd.DataFrame({"x": [3], "target": [1]}).to_csv(tmp_path / "b.csv", index=False)
    assert preprocess.load_raw(str(tmp_path))["x"].tolist() == [1, 2, 3]


def test_missing_input_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no CSV data"):
        preprocess.load_raw(str(tmp_path / "empty"))


def test_clean_puts_the_label_first_drops_unlabelled_rows_and_fills_missing_features() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "target": [0, 1, None, 1], "name": ["x", "y", "z", "w"]})
    cleaned = preprocess.clean(frame, "target")
    assert list(cleaned.columns) == ["target", "a"]
    assert cleaned["target"].tolist() == [0, 1, 1]
    assert cleaned["a"].tolist() == [1.0, 2.5, 4.0]


def test_clean_names_a_missing_label_column() -> None:
    with pytest.raises(KeyError, match="label"):
        preprocess.clean(pd.DataFrame({"a": [1]}), "label")


def test_split_puts_every_row_in_exactly_one_split_with_the_requested_sizes() -> None:
    frame = pd.DataFrame({"target": [0, 1] * 50, "id": range(100)})
    parts = preprocess.split(frame, validation_fraction=0.2, test_fraction=0.1, seed=1)
    assert {name: len(part) for name, part in parts.items()} == {"test": 10, "validation": 20, "train": 70}
    ids = sorted(pd.concat(parts.values())["id"].tolist())
    assert ids == list(range(100))


def test_split_is_reproducible_for_a_seed() -> None:
    frame = pd.DataFrame({"target": [0, 1] * 20, "id": range(40)})
    first = preprocess.split(frame, 0.25, 0.25, seed=7)
    second = preprocess.split(frame, 0.25, 0.25, seed=7)
    assert all(first[name].equals(second[name]) for name in first)


def test_run_writes_headerless_label_first_csvs(tmp_path: Path) -> None:
    paths = preprocess.run("builtin:breast_cancer", tmp_path, "target", 0.15, 0.15, 42)
    assert set(paths) == {"train", "validation", "test"}
    train = pd.read_csv(paths["train"], header=None)
    assert set(train[0].unique()) == {0, 1}
    assert train.shape[1] == 31
