from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from platform_cli.cli.config_cmd import EXAMPLE_VALUES, render_config
from platform_cli.cli.main import app

Invoke = Callable[..., "InvokeResult"]


class InvokeResult:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "platform.yaml"
    path.write_text(render_config(EXAMPLE_VALUES))
    return path


@pytest.fixture
def mlops() -> Invoke:
    """Run the real `mlops` command group in-process, stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str) -> InvokeResult:
        result = runner.invoke(app, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return InvokeResult(result.exit_code, result.stdout, result.stderr)

    return invoke
