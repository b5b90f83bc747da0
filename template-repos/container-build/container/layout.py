"""Where SageMaker puts a container's inputs and expects its outputs, under one root (``/opt/ml``).

The root is ``/opt/ml`` inside SageMaker; ``OPT_ML_ROOT`` moves it (the tests and `make run-local` use a temporary
folder laid out the same way).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT_VARIABLE = "OPT_ML_ROOT"
DEFAULT_ROOT = Path("/opt/ml")


@dataclass(frozen=True)
class Layout:
    root: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Layout:
        environ = os.environ if environ is None else environ
        return cls(Path(environ.get(ROOT_VARIABLE) or DEFAULT_ROOT))

    @property
    def hyperparameters(self) -> Path:
        return self.root / "input" / "config" / "hyperparameters.json"

    def channel(self, name: str) -> Path:
        return self.root / "input" / "data" / name

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def failure(self) -> Path:
        """Its text becomes the training job's FailureReason (SageMaker keeps the first 1024 characters)."""
        return self.output_dir / "failure"
