"""Turn expected errors into one line on stderr and exit code 1; tracebacks only with ``--debug``."""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from platform_cli.errors import PlatformError


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop a command with a one-line message (for checks done in the CLI layer itself)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


class GuardedGroup(TyperGroup):
    """The root command group: every command runs inside it, so its ``invoke`` sees every error."""

    # Typed loosely: newer Typer vendors its own click, older ones use click itself.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PlatformError as error:
            if getattr(ctx.obj, "debug", False):
                raise
            typer.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            ctx.exit(130)
