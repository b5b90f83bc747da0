"""What every command knows: where the config is, how to print, whether to show tracebacks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import typer

from platform_cli.config import DEFAULT_CONFIG_PATH, PlatformConfig, load_config


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass
class CliContext:
    config_path: Path = DEFAULT_CONFIG_PATH
    output: OutputFormat = OutputFormat.TEXT
    debug: bool = False

    def config(self) -> PlatformConfig:
        return load_config(self.config_path)


def cli_context(ctx: typer.Context) -> CliContext:
    """The ``CliContext`` set up by the root callback (a default one when a command runs on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliContext):
        root.obj = CliContext()
    return root.obj
