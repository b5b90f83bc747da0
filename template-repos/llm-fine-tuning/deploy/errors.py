"""Errors the deploy command reports as one line (what is wrong, how to fix it) and exit code 1."""

from __future__ import annotations

from typing import Any


class DeployError(RuntimeError):
    """A deployment step failed; the message says which and what to do."""


class SmokeTestFailed(DeployError):
    """The new release did not pass the smoke test (it has been rolled back); `outcome` tells what happened."""

    def __init__(self, message: str, outcome: Any = None) -> None:
        super().__init__(message)
        self.outcome = outcome
