"""The image that trains, evaluates and serves: SageMaker's scikit-learn image, or the project's own (pinned by
digest) when the platform provisioned a container repository (CONTAINER_REPOSITORY_URI)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from pipelines import config as config_module
from pipelines.container_image import own_image
from pipelines.pipeline import get_pipeline, pipeline_session
from tests.conftest import BUCKET, GROUP, PROJECT, REGION, ROLE

ACCOUNT = "123456789012"  # local AWS's (moto's) default account
NAME = "mlops/p-abc123def456"
URI = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{NAME}"


def _push(ecr: Any, tag: str) -> str:
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": "sha256:" + hashlib.sha256(tag.encode()).hexdigest()},
        }
    )
    return str(
        ecr.put_image(repositoryName=NAME, imageManifest=manifest, imageTag=tag)["image"]["imageId"]["imageDigest"]
    )


@pytest.fixture
def ecr(local_aws: None) -> Iterator[Any]:
    client = boto3.client("ecr", region_name=REGION)
    client.create_repository(repositoryName=NAME, imageTagMutability="IMMUTABLE")
    yield client
    client.delete_repository(repositoryName=NAME, force=True)


def _config(**changes: Any) -> config_module.Config:
    return dataclasses.replace(config_module.load(), **changes)


def test_auto_without_a_provisioned_repository_uses_the_builtin_image(ecr: Any) -> None:
    assert own_image(_config(), {}, ecr) is None


def _pushed_an_hour_earlier(tag: str) -> None:
    """Local AWS stamps pushes to the second; move one back so \"newest\" is unambiguous."""
    from moto.ecr.models import ecr_backends

    for image in ecr_backends[ACCOUNT][REGION].repositories[NAME].images:
        if tag in image.image_tags:
            image.image_pushed_at -= 3600


def test_auto_with_a_provisioned_repository_pins_the_newest_image_by_digest(ecr: Any) -> None:
    _push(ecr, "first")
    newest = _push(ecr, "second")
    _pushed_an_hour_earlier("first")
    assert own_image(_config(), {"CONTAINER_REPOSITORY_URI": URI}, ecr) == f"{URI}@{newest}"


def test_a_configured_tag_picks_that_image(ecr: Any) -> None:
    first = _push(ecr, "first")
    _push(ecr, "second")
    assert own_image(_config(container_tag="first"), {"CONTAINER_REPOSITORY_URI": URI}, ecr) == f"{URI}@{first}"


def test_builtin_ignores_a_provisioned_repository(ecr: Any) -> None:
    assert own_image(_config(container_image="builtin"), {"CONTAINER_REPOSITORY_URI": URI}, ecr) is None


def test_byoc_without_a_provisioned_repository_says_how_to_get_one(ecr: Any) -> None:
    with pytest.raises(config_module.ConfigError, match="bring-your-own-container option"):
        own_image(_config(container_image="byoc"), {}, ecr)


def test_an_empty_repository_says_to_push_an_image_first(ecr: Any) -> None:
    with pytest.raises(config_module.ConfigError, match="no image in"):
        own_image(_config(), {"CONTAINER_REPOSITORY_URI": URI}, ecr)


def test_the_pipeline_trains_evaluates_and_registers_with_the_projects_own_image(
    ecr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = _push(ecr, "abc")
    monkeypatch.setenv("CONTAINER_REPOSITORY_URI", URI)
    pipeline = get_pipeline(
        config=config_module.load(),
        session=pipeline_session(REGION, BUCKET),
        role=ROLE,
        pipeline_name=f"{PROJECT}-build",
        model_package_group_name=GROUP,
        base_job_prefix=PROJECT,
    )
    steps = {step["Name"]: step for step in json.loads(pipeline.definition())["Steps"]}
    image = f"{URI}@{digest}"
    assert steps["TrainModel"]["Arguments"]["AlgorithmSpecification"]["TrainingImage"] == image
    assert steps["EvaluateModel"]["Arguments"]["AppSpecification"]["ImageUri"] == image
    register = next(s for s in steps["CheckMetricThreshold"]["Arguments"]["IfSteps"] if s["Type"] == "RegisterModel")
    assert register["Arguments"]["InferenceSpecification"]["Containers"][0]["Image"] == image
