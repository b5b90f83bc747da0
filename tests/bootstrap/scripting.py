"""Running the real bootstrap.sh in a subprocess against local AWS (the shared ``local_aws`` fixture)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from platform_cli.local.aws import LocalAws, subprocess_env
from tests.bootstrap.template import SCRIPT_PATH

VENV_BIN = str(Path(sys.executable).parent)  # where the aws CLI of the dev extras lives


def fresh_home() -> str:
    """A new HOME per run: the AWS CLI keeps assumed-role credentials in ~/.aws/cli/cache; a test neither reads a
    cache written against another server state nor writes into the real home."""
    home = tempfile.mkdtemp(prefix="bootstrap-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


def script_env(local_aws: LocalAws | None, account: str | None, **overrides: str) -> dict[str, str]:
    """The parent environment without AWS settings, pointed at ``account`` of local AWS, with the venv's aws CLI."""
    env = subprocess_env(local_aws.info(), account, base=os.environ) if local_aws else dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = fresh_home()
    env.update(overrides)
    return env


def run_script(
    env: Mapping[str, str], *args: str, stdin: int | None = subprocess.DEVNULL, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT_PATH), *args],
        env=dict(env),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def deploy_args(environment: str, account_id: str, *extra: str) -> list[str]:
    return [
        "--env",
        environment,
        "--org",
        "acme",
        "--region",
        "eu-west-1",
        "--expect-account",
        account_id,
        "--yes",
        *extra,
    ]
