"""What every command knows: where the config is, how to print, whether to show tracebacks."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import typer
from pydantic import ValidationError

from platform_cli.config import DEFAULT_CONFIG_PATH, PlatformConfig, load_config
from platform_cli.errors import PlatformError

# Points every command at another GitHub API than platform.yaml's github.api_url (``mlops local env`` sets it to
# the local forge, so the same platform.yaml serves github.com and a local rehearsal).
API_URL_ENV = "MLOPS_GITHUB_API_URL"


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass
class CliContext:
    config_path: Path = DEFAULT_CONFIG_PATH
    output: OutputFormat = OutputFormat.TEXT
    debug: bool = False

    def config(self) -> PlatformConfig:
        return with_environment(load_config(self.config_path), os.environ)


def with_environment(config: PlatformConfig, environ: Mapping[str, str]) -> PlatformConfig:
    """``config`` with ``MLOPS_GITHUB_API_URL`` (when set) in place of ``github.api_url``, validated as the file
    would be."""
    api_url = environ.get(API_URL_ENV, "").strip()
    if not api_url or api_url == config.github.api_url:
        return config
    data = config.model_dump(mode="json")
    data["github"]["api_url"] = api_url
    try:
        return PlatformConfig.model_validate(data)
    except ValidationError as error:
        problem = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        raise PlatformError(f"{API_URL_ENV}={api_url}: {problem}; fix it or unset {API_URL_ENV}") from None


def cli_context(ctx: typer.Context) -> CliContext:
    """The ``CliContext`` set up by the root callback (a default one when a command runs on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliContext):
        root.obj = CliContext()
    return root.obj
