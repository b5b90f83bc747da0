"""``mlops github``: the platform's GitHub credentials."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.github_access import aws_session
from platform_cli.cli.output import emit, info
from platform_cli.errors import PlatformError
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.lambdas.credentials import find_secret_id, store_credentials

app = typer.Typer(help="GitHub credentials used by the provisioning Lambdas and the CLI.", no_args_is_help=True)


@app.command("set-credentials")
def set_credentials(
    ctx: typer.Context,
    app_key: Annotated[
        Path | None,
        typer.Option("--app-private-key", help="GitHub App private key (.pem); uses app_id/installation_id."),
    ] = None,
    token_stdin: Annotated[
        bool, typer.Option("--token-stdin", help="Read the token from standard input (for scripts).")
    ] = False,
    secret_id: Annotated[
        str | None, typer.Option("--secret-id", help="Secret to write (default: from /mlops/github/...).")
    ] = None,
) -> None:
    """Store a PAT or a GitHub App key in the credential secret, without echoing it.

    The token is prompted for (hidden) or read from stdin; it is never accepted as an argument, so it stays out
    of shell history and process lists.

    --output json: {"secret": id, "kind": "pat"|"app", "outcome": str} (never the token).
    """
    context = cli_context(ctx)
    config = context.config()
    if app_key is not None:
        if config.github.app_id is None or config.github.installation_id is None:
            raise PlatformError("platform.yaml: github.app_id and github.installation_id are needed for an App key")
        try:
            pem = app_key.read_text(encoding="utf-8")
        except OSError as error:
            raise PlatformError(f"cannot read {app_key}: {error.strerror}; pass the .pem GitHub gave you") from None
        credentials = GitHubCredentials.app(config.github.app_id, config.github.installation_id, pem)
    else:
        token = sys.stdin.readline().strip() if token_stdin else typer.prompt("GitHub token", hide_input=True)
        credentials = GitHubCredentials.pat(token)
    session = aws_session(config)
    target = secret_id or find_secret_id(session.client("ssm"), config.naming_prefix)
    outcome = store_credentials(session.client("secretsmanager"), target, credentials)
    info(f"{outcome} {target} ({credentials.kind})")
    emit(context, {"secret": target, "kind": credentials.kind, "outcome": outcome}, lambda d: None)
