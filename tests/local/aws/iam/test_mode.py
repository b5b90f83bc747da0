"""Local AWS is strict unless asked otherwise; permissive is asked for by name only."""

from __future__ import annotations

import pytest

from platform_cli.local.iam import mode


def test_local_aws_is_strict_when_no_mode_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(mode.MODE_VARIABLE, raising=False)

    assert mode.current() == "strict"


def test_permissive_is_chosen_by_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mode.MODE_VARIABLE, "Permissive")

    assert mode.current() == "permissive"
