"""Fixtures: a temporary /opt/ml layout, a trained model in it, and the server running on it (as processes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import contract_check

HYPERPARAMETERS = {"max-iter": 20, "learning-rate": 0.2, "max-depth": 2}


@pytest.fixture
def opt_ml(tmp_path: Path) -> Path:
    """A fresh SageMaker training layout (train and validation channels, hyperparameters.json)."""
    root = tmp_path / "opt" / "ml"
    contract_check.write_layout(root, HYPERPARAMETERS)
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A layout whose model `train` has written (shared by the serving tests)."""
    root = tmp_path_factory.mktemp("trained") / "opt" / "ml"
    contract_check.write_layout(root, HYPERPARAMETERS)
    result = contract_check.run_train(root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def server(trained: Path) -> Iterator[contract_check.Server]:
    with contract_check.serving(trained) as running:
        yield running
