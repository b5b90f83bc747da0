"""The root command: help at every level, version, and the one-line error contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platform_cli import __version__
from tests.fixtures.cli import Invoke


def test_help_lists_the_command_groups(mlops: Invoke) -> None:
    result = mlops("--help")
    assert result.exit_code == 0
    for command in ("config", "doctor"):
        assert command in result.stdout


def _command_paths() -> list[list[str]]:
    """Every command and sub-command of ``mlops``, read from the command tree itself (none can be forgotten)."""
    import typer.main

    from platform_cli.cli.main import app

    paths: list[list[str]] = []

    # Typed loosely: newer Typer vendors its own click, older ones use click itself.
    def walk(command: Any, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


COMMAND_PATHS = _command_paths()


def test_the_command_tree_holds_every_group_and_its_subcommands() -> None:
    assert {" ".join(path) for path in COMMAND_PATHS} >= {
        "config init",
        "project create",
        "project list",
        "project describe",
        "local up",
        "local apply",
        "org publish",
        "doctor",
        "demo",
        "bootstrap",
    }


@pytest.mark.parametrize("command", COMMAND_PATHS, ids=lambda path: " ".join(path) or "mlops")
def test_every_command_has_help(mlops: Invoke, command: list[str]) -> None:
    result = mlops(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_version_prints_the_package_version(mlops: Invoke) -> None:
    result = mlops("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mlops {__version__}"


def test_an_expected_error_is_one_line_on_stderr_with_exit_code_1(mlops: Invoke, tmp_path: Path) -> None:
    result = mlops("--config", str(tmp_path / "absent.yaml"), "config", "show")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_debug_lets_the_traceback_through(mlops: Invoke, tmp_path: Path) -> None:
    from platform_cli.errors import ConfigError

    with pytest.raises(ConfigError):
        mlops("--debug", "--config", str(tmp_path / "absent.yaml"), "config", "show")


def test_config_path_can_come_from_the_environment(
    mlops: Invoke, real_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLOPS_CONFIG", str(real_config_file))
    assert mlops("config", "validate").exit_code == 0
