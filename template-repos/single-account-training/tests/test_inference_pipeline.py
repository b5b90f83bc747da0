"""The inference pipeline option: the fitted preprocessor and the model, registered as two containers and served in
series. The containers' own handlers are chained here on real artifacts of a local run, as SageMaker chains them."""

from __future__ import annotations

import importlib
import json
import tarfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipelines import config, run_local
from tests.conftest import BUCKET, GROUP, PROJECT, REGION, ROLE


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """A local run with `inference_pipeline.enabled: true`: real fitted preprocessor and model artifacts."""
    output = tmp_path_factory.mktemp("pipeline-model")
    return run_local.run(replace(config.load(), inference_pipeline=True), output), output


@dataclass
class Container:
    """One serving container as SageMaker's scikit-learn image runs it: the artifact unpacked into its model
    directory, then model_fn once and input_fn -> predict_fn -> output_fn per request, from its entry point."""

    name: str
    handlers: Any
    model: Any
    environment: dict[str, str]

    @classmethod
    def start(cls, record: dict[str, Any], output: Path, workdir: Path) -> Container:
        model_dir = workdir / record["name"]
        model_dir.mkdir(parents=True)
        with tarfile.open(output / record["model_data"]) as tar:
            tar.extractall(model_dir, filter="data")
        handlers = importlib.import_module(f"steps.{Path(record['entry_point']).stem}")
        return cls(record["name"], handlers, handlers.model_fn(str(model_dir)), record["environment"])

    def invoke(self, body: bytes | str, content_type: str, accept: str) -> str:
        data = self.handlers.input_fn(body, content_type)
        answer: str = self.handlers.output_fn(self.handlers.predict_fn(data, self.model), accept)
        return answer


def invoke_in_series(containers: list[Container], body: bytes, content_type: str, accept: str) -> str:
    """SageMaker's serial inference pipeline: each container's answer is the next one's request; a container
    that is not the last answers in its SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT type, the last in the caller's."""
    request: bytes | str = body
    for position, container in enumerate(containers):
        last = position == len(containers) - 1
        answer_type = accept if last else container.environment["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"]
        request = container.invoke(request, content_type, answer_type)
        content_type = answer_type
    return str(request)


@pytest.fixture(scope="module")
def containers(pipeline_run: tuple[dict[str, Any], Path], tmp_path_factory: pytest.TempPathFactory) -> list[Container]:
    _, output = pipeline_run
    record = json.loads((output / "report" / "model.json").read_text())
    workdir = tmp_path_factory.mktemp("containers")
    return [Container.start(c, output, workdir) for c in record["containers"]]


def _raw_test_rows(output: Path) -> np.ndarray:
    """Rows of raw features as a caller sends them: the test split preprocess.py wrote, label dropped."""
    return pd.read_csv(output / "data" / "test" / "test.csv", header=None).to_numpy(dtype=float)[:, 1:]


def _csv(rows: np.ndarray) -> bytes:
    return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in rows).encode()


def test_the_local_run_records_two_containers_the_preprocessor_first(pipeline_run: tuple[dict[str, Any], Path]) -> None:
    _, output = pipeline_run
    record = json.loads((output / "report" / "model.json").read_text())
    assert [(c["name"], c["entry_point"], c["model_data"]) for c in record["containers"]] == [
        ("preprocessor", "featurize.py", "preprocessor.tar.gz"),
        ("model", "train.py", "model.tar.gz"),
    ]
    assert record["containers"][0]["environment"] == {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}
    with tarfile.open(output / "preprocessor.tar.gz") as tar:
        assert tar.getnames() == ["preprocessor.joblib"]


def test_without_the_option_the_package_has_the_model_container_only(
    local_run_output: tuple[dict[str, Any], Path],
) -> None:
    _, output = local_run_output
    record = json.loads((output / "report" / "model.json").read_text())
    assert [c["name"] for c in record["containers"]] == ["model"]
    assert not (output / "preprocessor.tar.gz").exists()


def test_the_chained_containers_answer_raw_rows_with_the_model_probability_of_the_preprocessed_rows(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    rows = _raw_test_rows(output)[:20]
    answer = invoke_in_series(containers, _csv(rows), "text/csv", "text/csv")
    preprocessor, model = (c.model for c in containers)
    expected = model.predict_proba(preprocessor.transform(rows))[:, 1]
    assert np.allclose([float(line) for line in answer.splitlines()], expected, atol=1e-6)


def test_the_preprocessor_container_hands_the_model_container_scaled_features(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    rows = _raw_test_rows(output)[:5]
    features = containers[0].invoke(_csv(rows), "text/csv", "text/csv")
    handed = np.loadtxt(features.splitlines(), delimiter=",", ndmin=2)
    assert handed.shape == rows.shape
    assert np.allclose(handed, containers[0].model.transform(rows), atol=1e-8)
    assert not np.allclose(handed, rows)  # scaled, not passed through


def test_one_row_a_request_answers_one_probability(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    (line,) = invoke_in_series(containers, _csv(_raw_test_rows(output)[:1]), "text/csv", "text/csv").splitlines()
    assert 0.0 <= float(line) <= 1.0


def test_a_missing_feature_is_filled_with_the_train_split_median(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    train = pd.read_csv(output / "data" / "train" / "train.csv", header=None).to_numpy(dtype=float)[:, 1:]
    row = _raw_test_rows(output)[0]
    gap = ",".join("" if i == 3 else repr(float(v)) for i, v in enumerate(row)) + "\n"
    filled = row.copy()
    filled[3] = np.median(train[:, 3])
    answer = invoke_in_series(containers, gap.encode(), "text/csv", "text/csv")
    expected = invoke_in_series(containers, _csv(filled[None, :]), "text/csv", "text/csv")
    assert float(answer) == pytest.approx(float(expected), abs=1e-6)


def test_a_row_of_the_wrong_width_is_refused_naming_the_expected_count(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    short = _raw_test_rows(output)[:1, :-1]
    width = short.shape[1] + 1
    with pytest.raises(ValueError, match=f"each row must hold {width} raw features, got {width - 1}"):
        invoke_in_series(containers, _csv(short), "text/csv", "text/csv")


def test_a_request_that_is_not_csv_is_refused(containers: list[Container]) -> None:
    with pytest.raises(ValueError, match="unsupported content type 'application/json'"):
        containers[0].invoke(b'{"rows": []}', "application/json", "text/csv")


def test_the_model_trains_on_the_preprocessors_output_of_the_train_split(
    pipeline_run: tuple[dict[str, Any], Path], containers: list[Container]
) -> None:
    _, output = pipeline_run
    raw = pd.read_csv(output / "data" / "train" / "train.csv", header=None).to_numpy(dtype=float)
    fed = pd.read_csv(output / "features" / "train" / "train.csv", header=None).to_numpy(dtype=float)
    assert np.array_equal(fed[:, 0], raw[:, 0])
    assert np.allclose(fed[:, 1:], containers[0].model.transform(raw[:, 1:]))
    assert np.allclose(containers[0].model.named_steps["impute"].statistics_, np.median(raw[:, 1:], axis=0))


def test_the_pipeline_model_passes_the_shipped_gate(pipeline_run: tuple[dict[str, Any], Path]) -> None:
    metrics, _ = pipeline_run
    assert metrics["registered"] is True
    assert metrics["value"] >= metrics["threshold"]


# --- the pipeline definition with the option on ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline_definition(local_aws: None) -> dict[str, Any]:
    from pipelines.pipeline import get_pipeline, pipeline_session

    pipeline = get_pipeline(
        config=replace(config.load(), inference_pipeline=True),
        session=pipeline_session(REGION, BUCKET),
        role=ROLE,
        pipeline_name=f"{PROJECT}-build",
        model_package_group_name=GROUP,
        base_job_prefix=PROJECT,
    )
    result: dict[str, Any] = json.loads(pipeline.definition())
    return result


def _step(definition: dict[str, Any], step_type: str, name: str | None = None) -> dict[str, Any]:
    steps = [*definition["Steps"], *definition["Steps"][-1]["Arguments"]["IfSteps"]]
    (found,) = [s for s in steps if s["Type"] == step_type and (name is None or s["Name"] == name)]
    return found


def test_the_preprocessor_is_fitted_between_preprocess_and_train(pipeline_definition: dict[str, Any]) -> None:
    assert [s["Name"] for s in pipeline_definition["Steps"]] == [
        "PreprocessData",
        "FitPreprocessor",
        "TrainModel",
        "EvaluateModel",
        "CheckMetricThreshold",
    ]
    fit = _step(pipeline_definition, "Processing", "FitPreprocessor")["Arguments"]
    sources = {i["S3Input"]["LocalPath"]: i["S3Input"]["S3Uri"] for i in fit["ProcessingInputs"]}
    assert sources["/opt/ml/processing/input/train"] == {
        "Get": "Steps.PreprocessData.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"
    }
    assert sources["/opt/ml/processing/input/code"].endswith("/featurize.py")


def test_training_and_evaluation_read_the_preprocessors_output(pipeline_definition: dict[str, Any]) -> None:
    train = _step(pipeline_definition, "Training")["Arguments"]
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in train["InputDataConfig"]}
    assert channels["train"] == {"Get": "Steps.FitPreprocessor.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}
    evaluate = _step(pipeline_definition, "Processing", "EvaluateModel")["Arguments"]
    sources = {i["S3Input"]["LocalPath"]: i["S3Input"]["S3Uri"] for i in evaluate["ProcessingInputs"]}
    assert sources["/opt/ml/processing/test"] == {
        "Get": "Steps.FitPreprocessor.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"
    }


def test_the_registered_package_holds_the_fitted_preprocessor_then_the_model(
    pipeline_definition: dict[str, Any],
) -> None:
    from pipelines.pipeline import serving_image_uri

    register = _step(pipeline_definition, "RegisterModel")["Arguments"]
    assert register["ModelPackageGroupName"] == GROUP
    preprocessor, model = register["InferenceSpecification"]["Containers"]
    assert preprocessor["ModelDataUrl"] == {
        "Std:Join": {
            "On": "/",
            "Values": [
                {"Get": "Steps.FitPreprocessor.ProcessingOutputConfig.Outputs['preprocessor'].S3Output.S3Uri"},
                "model.tar.gz",
            ],
        }
    }
    assert preprocessor["Environment"]["SAGEMAKER_PROGRAM"] == "featurize.py"
    assert preprocessor["Environment"]["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"] == "text/csv"
    assert model["ModelDataUrl"] == {"Get": "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts"}
    assert model["Environment"]["SAGEMAKER_PROGRAM"] == "train.py"
    image = serving_image_uri(config.load(), REGION)
    assert preprocessor["Image"] == model["Image"] == image
    assert register["InferenceSpecification"]["SupportedContentTypes"] == ["text/csv"]


def test_the_option_is_off_in_the_shipped_config_and_must_be_a_boolean() -> None:
    assert config.load().inference_pipeline is False
    data = __import__("yaml").safe_load(config.DEFAULT_CONFIG.read_text())
    data["inference_pipeline"] = {"enabled": "yes"}
    with pytest.raises(config.ConfigError, match=r"inference_pipeline.enabled must be true or false \(got 'yes'\)"):
        config.parse(data)
    del data["inference_pipeline"]
    assert config.parse(data).inference_pipeline is False


def test_without_the_option_the_model_container_alone_answers_one_raw_row(
    local_run_output: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    _, output = local_run_output
    record = json.loads((output / "report" / "model.json").read_text())
    (container,) = [Container.start(c, output, tmp_path) for c in record["containers"]]
    (line,) = container.invoke(_csv(_raw_test_rows(output)[:1]), "text/csv", "text/csv").splitlines()
    assert 0.0 <= float(line) <= 1.0
