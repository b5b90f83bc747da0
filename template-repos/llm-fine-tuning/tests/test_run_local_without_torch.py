from __future__ import annotations

import pytest

from pipelines import run_local


def test_without_torch_the_local_run_is_skipped_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run_local, "MISSING", ["torch"])
    assert run_local.main(["--output", "unused"]) == 0
    message = capsys.readouterr().out
    assert message.startswith("skipped: the local fine-tuning run needs torch")
    assert "torch==2.13.0" in message
