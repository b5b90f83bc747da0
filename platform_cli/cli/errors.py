"""Turn expected errors into one line on stderr and exit code 1; tracebacks only with ``--debug``."""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from platform_cli.errors import PlatformError

# Top-level modules only the `local` extra installs: the emulator (local AWS, the forge) needs them, nothing else.
LOCAL_EXTRA_MODULES = frozenset({"moto", "werkzeug", "flask", "flask_cors"})
LOCAL_EXTRA_HINT = "this command runs the local emulator, which is not installed: pip install 'mlops-platform[local]'"


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
        except ModuleNotFoundError as error:
            if (error.name or "").split(".")[0] not in LOCAL_EXTRA_MODULES or getattr(ctx.obj, "debug", False):
                raise
            typer.echo(f"error: {LOCAL_EXTRA_HINT}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            ctx.exit(130)
