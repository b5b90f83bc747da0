"""Running the real bootstrap.sh in a subprocess against local AWS (the shared ``local_aws`` fixture)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from platform_cli.local.aws import LocalAws, subprocess_env
from tests.bootstrap.template import SCRIPT_PATH

VENV_BIN = str(Path(sys.executable).parent)  # where the aws CLI of the dev extras lives


def script_env(local_aws: LocalAws | None, account: str | None, **overrides: str) -> dict[str, str]:
    """The parent environment without AWS settings, pointed at ``account`` of local AWS, with the venv's aws CLI."""
    env = subprocess_env(local_aws.info(), account, base=os.environ) if local_aws else dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
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
