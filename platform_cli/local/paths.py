"""Where the embedded defaults keep their state; importable without the ``local`` extra (the CLI's option defaults)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_STATE_DIR = Path(".mlops-local")
