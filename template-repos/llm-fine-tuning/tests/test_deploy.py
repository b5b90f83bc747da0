"""Deploying the registered LLM to an endpoint: smoke test of generated text, rollback (local AWS, no torch)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from deploy import config as deploy_config
from deploy import local, smoke
from deploy.errors import SmokeTestFailed
from deploy.stage import Clients, deploy_stage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def good(body: bytes, content_type: str) -> bytes:
    assert json.loads(body)["inputs"].startswith("### Instruction")
    return b'[{"generated_text": "tac"}]'


def empty(body: bytes, content_type: str) -> bytes:
    return b'[{"generated_text": "  "}]'


@pytest.fixture
def clients() -> Iterator[Clients]:
    from moto import mock_aws

    with mock_aws():
        sagemaker, runtime, autoscaling, ssm, s3 = local.clients()
        local.seed_platform(ssm, s3)
        yield Clients(sagemaker, runtime, autoscaling, ssm)


def _release(clients: Clients, package: str, invoke: Any, minute: int = 0) -> Any:
    return deploy_stage(
        clients,
        deploy_config.load(),
        project=local.PROJECT,
        stage_name="preprod",
        model_package_arn=package,
        execution_role_arn=local.ROLE,
        invoke=invoke,
        now=T0 + timedelta(minutes=minute),
        poll_s=0,
    )


def test_the_smoke_test_wants_generated_text_for_every_prompt() -> None:
    payload = deploy_config.load().smoke_payload.read_bytes()
    assert smoke.run(good, payload, "application/json", 10_000).passed
    failed = smoke.run(empty, payload, "application/json", 10_000)
    assert failed.failures == ["prompt 1: the generated text is empty", "prompt 2: the generated text is empty"]
    assert "no generated_text" in smoke.run(lambda b, c: b'{"error": 1}', payload, "application/json", 1e4).failures[0]


def test_a_good_release_serves_on_a_gpu_endpoint_with_json_data_capture(clients: Clients) -> None:
    package = local.register_package(clients.sagemaker)
    result = _release(clients, package, good)
    config = clients.sagemaker.describe_endpoint_config(EndpointConfigName=result.endpoint_config)
    assert config["ProductionVariants"][0]["InstanceType"] == "ml.g4dn.xlarge"
    assert config["DataCaptureConfig"]["CaptureContentTypeHeader"] == {"JsonContentTypes": ["application/json"]}
    assert result.autoscaling_policy == "assistant-preprod-invocations-per-instance"


def test_a_release_generating_nothing_is_rolled_back(clients: Clients) -> None:
    first = _release(clients, local.register_package(clients.sagemaker), good)
    with pytest.raises(SmokeTestFailed, match="restored endpoint config"):
        _release(clients, local.register_package(clients.sagemaker), empty, minute=1)
    described = clients.sagemaker.describe_endpoint(EndpointName="assistant-preprod")
    assert described["EndpointConfigName"] == first.endpoint_config
