"""Structured JSON logs: one object a line, the request id on each, secrets redacted wherever they appear."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from platform_cli.lambdas.jsonlog import Redactor, configure, reset, set_request_id


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    configure("unit", stream=out)
    yield out
    reset()
    set_request_id(None)
    logging.getLogger().setLevel(logging.WARNING)


def test_each_line_is_json_with_the_request_id_and_extra_fields(stream: io.StringIO) -> None:
    set_request_id("req-42")
    logging.getLogger("platform_cli.x").info("reconciled %s", "acme/x", extra={"changes": 3})
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["message"] == "reconciled acme/x"
    assert entry["request_id"] == "req-42"
    assert entry["changes"] == 3
    assert entry["level"] == "INFO" and entry["service"] == "unit"


@pytest.mark.parametrize(
    "secret",
    [
        "ghp_" + "a1" * 18,
        "github_pat_" + "B2_" * 10,
        "ghs_" + "c3" * 18,
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        "Bearer " + "x9" * 20,
    ],
)
def test_token_shapes_are_redacted_without_registration(secret: str) -> None:
    assert "***" in Redactor()(f"header {secret} end")
    assert secret not in Redactor()(f"header {secret} end")


def test_registered_values_are_redacted_in_messages_arguments_and_extras(stream: io.StringIO) -> None:
    from platform_cli.lambdas.jsonlog import REDACTOR

    REDACTOR.register("plain-secret-value-77")
    logging.getLogger("platform_cli.x").warning(
        "value %s", "plain-secret-value-77", extra={"detail": "plain-secret-value-77"}
    )
    assert "plain-secret-value-77" not in stream.getvalue()
    assert stream.getvalue().count("***") >= 2


def test_pygithub_debug_bodies_never_reach_the_log(stream: io.StringIO) -> None:
    logging.getLogger("github.Requester").debug("PUT /secrets body encrypted_value=abc")
    assert "encrypted_value" not in stream.getvalue()
