"""Shared fixtures live in tests/fixtures/ as pytest plugins, one module per embedded default."""

from __future__ import annotations

pytest_plugins: list[str] = ["tests.fixtures.cli", "tests.fixtures.local_aws", "tests.fixtures.forge"]
