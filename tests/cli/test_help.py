"""Every command's --help: on/off flags show no value type (Typer's rich help printed `<bool>` for them), and every
command documents the shape of its --output json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from platform_cli.cli.main import app
from tests.fixtures.cli import Invoke


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in getattr(group, "commands", {}).items():
        yield (*path, name)
        yield from _commands(command, (*path, name))


COMMANDS = sorted(_commands(typer.main.get_command(app)))


def _leaf(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


# Every command that does something (not the groups): each documents the shape of its --output json.
DOCUMENTED_JSON = [command for command in COMMANDS if not getattr(_leaf(command), "commands", None)]


@pytest.mark.parametrize("command", [(), *COMMANDS], ids=lambda c: " ".join(c) or "mlops")
def test_no_help_shows_a_flag_as_taking_a_bool(mlops: Invoke, command: tuple[str, ...]) -> None:
    result = mlops(*command, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


def test_a_flag_is_still_listed_with_its_help(mlops: Invoke) -> None:
    text = mlops("project", "delete", "--help").stdout
    assert "--yes" in text and "Do not ask for confirmation." in text


@pytest.mark.parametrize("command", DOCUMENTED_JSON, ids=" ".join)
def test_the_json_shape_is_documented_in_help(mlops: Invoke, command: tuple[str, ...]) -> None:
    assert "--output json:" in mlops(*command, "--help").stdout
