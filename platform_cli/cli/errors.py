"""Turn errors into one line on stderr and an exit code; tracebacks only with ``--debug``.

An expected error (``PlatformError``) prints its own message. A failure of the network or of a service the CLI
calls (botocore, requests under PyGithub) is described in one line naming what could not be reached or what was
refused, and how to fix it. Anything else is a bug: one line naming the exception, and ``--debug`` for the
traceback.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlparse

import typer
from typer.core import TyperGroup

from platform_cli.errors import PlatformError

# Top-level modules only the `local` extra installs: the emulator (local AWS, the forge) needs them, nothing else.
LOCAL_EXTRA_MODULES = frozenset({"moto", "werkzeug", "flask", "flask_cors"})
LOCAL_EXTRA_HINT = "this command runs the local emulator, which is not installed: pip install 'mlops-platform[local]'"
NETWORK_HINT = "check the network (or HTTPS_PROXY) and retry"


def _click_control_flow() -> tuple[type[BaseException], ...]:
    """Exceptions click itself handles (exit codes, usage errors, aborts): Typer's own (it vendors click in newer
    releases) and click's when it is installed."""
    kinds: list[type[BaseException]] = [typer.Exit, typer.Abort]
    typer_base = getattr(getattr(typer, "exceptions", None), "TyperException", None)
    if isinstance(typer_base, type):
        kinds.append(typer_base)
    try:
        import click
    except ModuleNotFoundError:
        return tuple(kinds)
    return (*kinds, click.exceptions.Exit, click.exceptions.Abort, click.ClickException)


CLICK_CONTROL_FLOW = _click_control_flow()


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop a command with a one-line message (for checks done in the CLI layer itself)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _one_line(text: str, limit: int = 300) -> str:
    from platform_cli.lambdas.jsonlog import REDACTOR  # every token the CLI read is registered there

    line = " ".join(REDACTOR(str(text)).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _host(url: str | None) -> str:
    parsed = urlparse(url or "")
    return parsed.netloc or (url or "the server")


def _aws_line(error: Exception) -> str | None:
    try:
        from botocore import exceptions as aws
    except ModuleNotFoundError:  # pragma: no cover - boto3 is a dependency
        return None
    if isinstance(error, aws.ProfileNotFound):
        return (
            f"AWS profile {error.kwargs.get('profile')!r} is not in your AWS config; "
            "list them with `aws configure list-profiles`, or unset AWS_PROFILE"
        )
    if isinstance(error, aws.NoCredentialsError | aws.PartialCredentialsError):
        return "no AWS credentials: set AWS_PROFILE (or run `aws sso login`) for the account this command uses"
    if isinstance(error, aws.NoRegionError):
        return "no AWS region: set aws.region in platform.yaml (or AWS_REGION)"
    if isinstance(error, aws.ProxyConnectionError):
        return (
            f"cannot reach AWS through the proxy {_host(error.kwargs.get('proxy_url'))} (ProxyConnectionError); "
            "check HTTPS_PROXY (or unset it) and the network, then retry"
        )
    if isinstance(error, aws.EndpointConnectionError | aws.ConnectTimeoutError | aws.ConnectionClosedError):
        where = _host(error.kwargs.get("endpoint_url"))
        return (
            f"cannot reach AWS at {where} ({type(error).__name__}); {NETWORK_HINT}, "
            "or point AWS_PROFILE / AWS_ENDPOINT_URL at the AWS you mean (`mlops local env` for local AWS)"
        )
    if isinstance(error, aws.ReadTimeoutError):
        where = _host(error.kwargs.get("endpoint_url"))
        return f"AWS at {where} did not answer in time (ReadTimeoutError); {NETWORK_HINT}"
    if isinstance(error, aws.ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code", "Unknown")
        message = _one_line(details.get("Message", ""), 200)
        return f"AWS refused {error.operation_name} ({code}): {message}; check AWS_PROFILE and its permissions"
    if isinstance(error, aws.BotoCoreError):
        return f"AWS client error ({type(error).__name__}): {_one_line(str(error), 200)}"
    return None


def _http_line(error: Exception) -> str | None:
    import requests

    if isinstance(error, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        request = getattr(error, "request", None)
        where = _host(getattr(request, "url", None))
        return (
            f"cannot reach {where} ({type(error).__name__}); {NETWORK_HINT}, "
            "and check github.api_url in platform.yaml (`mlops local env` for the local forge)"
        )
    try:
        from github import GithubException
    except ModuleNotFoundError:  # pragma: no cover - PyGithub is a dependency
        return None
    if isinstance(error, GithubException):
        data = error.data if isinstance(error.data, dict) else {}
        message = _one_line(str(data.get("message") or ""), 160)
        return f"GitHub answered {error.status}: {message or 'no message'}; check the token and github.api_url"
    return None


def describe(error: Exception) -> str:
    """The one line printed for ``error`` (without ``error: ``)."""
    if isinstance(error, PlatformError):
        return str(error)
    line = _aws_line(error) or _http_line(error)
    if line is not None:
        return line
    if isinstance(error, OSError) and error.strerror:
        where = f" {error.filename}" if error.filename else ""
        return f"{error.strerror}:{where} (OSError {error.errno})"
    detail = _one_line(str(error), 200)
    return f"unexpected {type(error).__name__}{': ' + detail if detail else ''} (rerun with --debug for the traceback)"


class GuardedGroup(TyperGroup):
    """The root command group: every command runs inside it, so its ``invoke`` sees every error."""

    # Typed loosely: newer Typer vendors its own click, older ones use click itself.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CLICK_CONTROL_FLOW:
            raise  # typer.Exit, usage errors: click prints and exits as usual
        except ModuleNotFoundError as error:
            if getattr(ctx.obj, "debug", False):
                raise
            local_extra = (error.name or "").split(".")[0] in LOCAL_EXTRA_MODULES
            typer.echo(f"error: {LOCAL_EXTRA_HINT if local_extra else describe(error)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            ctx.exit(130)
        except Exception as error:
            if getattr(ctx.obj, "debug", False):
                raise
            typer.echo(f"error: {describe(error)}", err=True)
            ctx.exit(error.exit_code if isinstance(error, PlatformError) else 1)
