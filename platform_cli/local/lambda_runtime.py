"""Run a deployed Lambda's handler on this machine, as the Lambda service would: its code from the zip that
Terraform uploaded, its environment from the function's configuration in (local) AWS, one event in, one answer out.

moto stores Lambda functions but runs them only in Docker; the rehearsal has no Docker, so this is the invoke.
The handler runs in a child process whose environment holds only the function's variables and the credentials
of its account, never the caller's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from platform_cli.errors import PlatformError

_RUNNER = """
import json, sys, importlib, uuid
module_name, _, function_name = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module_name), function_name)

class Context:
    aws_request_id = str(uuid.uuid4())
    function_name = sys.argv[2]
    def get_remaining_time_in_millis(self):
        return int(float(sys.argv[3]) * 1000)

print(json.dumps(handler(json.load(sys.stdin), Context())))
"""


class LambdaInvokeError(PlatformError):
    """A local invoke failed."""


def unpack(zip_bytes: bytes, target: Path) -> Path:
    """Extract the function's code (once per content) and return the directory."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.extractall(target)
    return target


def invoke(
    lambda_client: Any,
    function_name: str,
    event: Mapping[str, Any],
    code_dir: Path,
    aws_env: Mapping[str, str],
    log_path: Path | None = None,
) -> Any:
    """Invoke ``function_name`` with ``event`` from the code in ``code_dir``; return the handler's answer."""
    configuration = lambda_client.get_function_configuration(FunctionName=function_name)
    variables = (configuration.get("Environment") or {}).get("Variables") or {}
    env = {**aws_env, **variables, "PYTHONPATH": str(code_dir), "AWS_LAMBDA_FUNCTION_NAME": function_name}
    timeout = float(configuration.get("Timeout", 60))
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, configuration["Handler"], function_name, str(timeout)],
        input=json.dumps(event),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 10,
        check=False,
    )
    if log_path is not None:
        with log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ invoke {function_name}\n{result.stderr}\n{result.stdout}\n")
    if result.returncode != 0:
        raise LambdaInvokeError(f"{function_name} failed (exit {result.returncode}); see its log")
    return json.loads(result.stdout.strip().splitlines()[-1])
