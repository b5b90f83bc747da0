from __future__ import annotations

import json
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


def test_every_csv_under_an_s3_prefix_is_read_and_each_object_recorded_with_its_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="data-prefix", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_versioning(Bucket="data-prefix", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="data-prefix", Key="data/a.csv", Body=b"target,x\n1,1\n")
        second = s3.put_object(Bucket="data-prefix", Key="data/day-2/b.csv", Body=b"target,x\n0,2\n1,3\n")
        s3.put_object(Bucket="data-prefix", Key="data/notes.txt", Body=b"not data")
        frame, used = preprocess.read_s3_csv("s3://data-prefix/data/", s3)
    assert frame["x"].tolist() == [1, 2, 3]
    assert [u["uri"] for u in used] == ["s3://data-prefix/data/a.csv", "s3://data-prefix/data/day-2/b.csv"]
    assert used[1]["version_id"] == second["VersionId"]
    assert used[1]["etag"] == second["ETag"].strip('"')


def test_an_empty_s3_prefix_says_to_upload_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="data-empty", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        with pytest.raises(FileNotFoundError, match="no CSV objects under s3://data-empty/data/"):
            preprocess.read_s3_csv("s3://data-empty/data/", s3)


def test_run_writes_the_data_manifest_naming_each_file_it_read(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.csv").write_text("target,x\n1,1\n0,2\n1,3\n0,4\n1,5\n0,6\n1,7\n0,8\n1,9\n0,10\n")
    preprocess.run(str(source), tmp_path / "out", "target", 0.2, 0.2, 1)
    manifest = json.loads((tmp_path / "out" / preprocess.MANIFEST).read_text())
    assert manifest["input_data"] == str(source)
    assert manifest["rows"] == 10
    [used] = manifest["objects"]
    assert used["path"] == str(source / "a.csv") and len(used["sha256"]) == 64
