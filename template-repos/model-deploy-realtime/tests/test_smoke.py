from __future__ import annotations

import pytest

from deploy import smoke

PAYLOAD = b"1,2,3\n4,5,6\n"


def test_a_probability_per_row_within_the_latency_limit_passes() -> None:
    result = smoke.run(lambda body, _: b"0.25\n", PAYLOAD, "text/csv", max_latency_ms=1000)
    assert result.passed
    assert result.rows == 2
    assert len(result.latencies_ms) == 2


def test_a_score_outside_zero_one_fails_naming_the_row() -> None:
    answers = iter([b"0.5", b"7.5"])
    result = smoke.run(lambda body, _: next(answers), PAYLOAD, "text/csv", 1000)
    assert not result.passed
    assert result.failures == ["row 2: expected one probability in [0, 1], got [7.5]"]


def test_a_non_numeric_answer_fails() -> None:
    result = smoke.run(lambda body, _: b"<html>oops</html>", PAYLOAD, "text/csv", 1000)
    assert not result.passed
    assert "not numeric" in result.failures[0]


def test_an_endpoint_error_fails_instead_of_crashing() -> None:
    def broken(body: bytes, content_type: str) -> bytes:
        raise RuntimeError("ModelError: 500")

    result = smoke.run(broken, PAYLOAD, "text/csv", 1000)
    assert not result.passed
    assert "ModelError" in result.failures[0]


def test_a_slow_answer_fails() -> None:
    import time

    def slow(body: bytes, content_type: str) -> bytes:
        time.sleep(0.02)
        return b"0.5"

    result = smoke.run(slow, b"1,2\n", "text/csv", max_latency_ms=1)
    assert not result.passed
    assert "limit 1 ms" in result.failures[0]


def test_an_empty_payload_fails() -> None:
    assert not smoke.run(lambda body, _: b"0.5", b"\n", "text/csv", 1000).passed


@pytest.mark.parametrize("answer", [b"[0.3]", b"0.3\n", b"[[0.3]]"])
def test_the_common_answer_shapes_parse(answer: bytes) -> None:
    assert smoke.parse_scores(answer) == [0.3]
