from __future__ import annotations

from deploy import smoke


def test_one_probability_per_row_passes() -> None:
    result = smoke.check(b"0.1\n0.9\n", rows=2)
    assert result.passed
    assert result.scores == [0.1, 0.9]


def test_a_missing_line_fails() -> None:
    result = smoke.check(b"0.1\n", rows=2)
    assert not result.passed
    assert result.failures == ["expected 2 output lines, got 1"]


def test_a_value_outside_zero_one_fails_naming_the_line() -> None:
    result = smoke.check(b"0.1\n3.5\n", rows=2)
    assert result.failures == ["output line 2: 3.5 is not a probability in [0, 1]"]


def test_no_output_fails() -> None:
    assert smoke.check(None, rows=2).failures == ["the transform job wrote no output"]


def test_text_output_fails() -> None:
    assert "not a number" in smoke.check(b"error\n", rows=1).failures[0]


def test_rows_of_a_payload_ignore_blank_lines() -> None:
    assert smoke.payload_rows(b"1,2\n\n3,4\n") == 2
