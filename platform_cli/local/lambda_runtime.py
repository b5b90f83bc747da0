"""Run a deployed Lambda's handler on this machine, as the Lambda service would: its code from the zip that
Terraform uploaded, its handler, environment, timeout and memory setting from the function's configuration, one
event in, one answer out.

moto stores Lambda functions but runs them only in Docker; the rehearsal has no Docker, so this is the invoke.
Local AWS calls :func:`run` for every invocation (``Invoke``, a custom resource, an EventBridge target; see the
``lambda_local_runtime`` extension). The handler runs in a child process whose environment holds only the
function's variables, the Lambda runtime's own variables and the credentials of the function's execution role,
never the caller's. The Python is the one the function's runtime names (``python3.12`` -> ``python3.12`` on PATH)
where it exists; otherwise this interpreter, with a warning in the invocation's log. Like the Lambda runtime, the
child sees the AWS SDK (boto3 and its dependencies) besides the function's code, and nothing else of this
environment.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_cli.errors import PlatformError

# How local AWS tells the functions it runs where to call back (set by platform_cli.local.moto_main).
ENDPOINT_VARIABLE = "MLOPS_LOCAL_AWS_ENDPOINT"
# The SDK the Lambda Python runtime provides (the artifact leaves these out; see platform_cli.lambdas.build).
RUNTIME_PROVIDED_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")

_RUNNER = """
import json, sys, importlib, traceback
out = sys.stdout
sys.stdout = sys.stderr  # the handler's prints are log lines; the answer alone goes to the real stdout
module_name, _, function_name = sys.argv[1].rpartition(".")

class Context:
    aws_request_id = sys.argv[4]
    function_name = sys.argv[2]
    memory_limit_in_mb = sys.argv[5]
    invoked_function_arn = sys.argv[6]
    log_group_name = "/aws/lambda/" + sys.argv[2]
    def __init__(self):
        import time
        self._end = time.monotonic() + float(sys.argv[3])
    def get_remaining_time_in_millis(self):
        import time
        return max(int((self._end - time.monotonic()) * 1000), 0)

try:
    handler = getattr(importlib.import_module(module_name), function_name)
    answer = handler(json.loads(sys.stdin.read() or "{}"), Context())
    out.write(json.dumps(answer) + "\\n")
except Exception as error:
    traceback.print_exc()
    out.write(json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}) + "\\n")
    sys.exit(1)
"""


class LambdaInvokeError(PlatformError):
    """A local invoke failed."""


@dataclass(frozen=True)
class FunctionSpec:
    """What the Lambda service knows of a function when it runs it."""

    name: str
    handler: str
    runtime: str | None
    timeout: float
    memory_mb: int
    environment: Mapping[str, str] = field(default_factory=dict)
    arn: str = ""


@dataclass(frozen=True)
class InvokeResult:
    """One invocation: the answer (JSON text; an error document when ``errored``) and its log lines."""

    payload: str
    errored: bool
    log: str
    request_id: str
    duration_ms: float


def _version_of(python: str) -> str | None:
    """``3.12`` if ``python`` runs and is CPython 3.12 (a pyenv shim without that version does not run)."""
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def find_python(version: str) -> str | None:
    """An interpreter of CPython ``version`` (``3.12``) on this machine: on PATH, or a pyenv version."""
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates += [str(path) for path in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"))]
    for candidate in candidates:
        if candidate and _version_of(candidate) == version:
            return candidate
    return None


def built_for(code: Path) -> str | None:
    """The CPython version the zip's compiled modules were built for (``3.11``), if it has any."""
    for path in code.rglob("*.cpython-3*.so"):
        match = re.search(r"\.cpython-3(\d+)", path.name)
        if match:
            return f"3.{match.group(1)}"
    return None


def python_for(runtime: str | None, code: Path | None = None) -> tuple[str, str | None]:
    """The interpreter for ``runtime`` (``python3.12``), and a warning when it is not exactly that runtime's."""
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if not (runtime and re.fullmatch(r"python3\.\d+", runtime)):
        return sys.executable, f"WARNING: runtime {runtime or '(none)'} is not a Python runtime; trying {current}"
    wanted = runtime.removeprefix("python")
    built = built_for(code) if code is not None else None
    if built and built != wanted and find_python(built):
        return find_python(built) or sys.executable, (
            f"WARNING: the zip's compiled modules are built for CPython {built} but the function's runtime is "
            f"{runtime}: on AWS its imports would fail. Running it with {built} here; rebuild the zip with "
            f"{runtime} (make lambda on that Python)."
        )
    found = find_python(wanted)
    if found:
        return found, None
    return sys.executable, (
        f"WARNING: no {runtime} on this machine; running the function with {current} "
        f"(compiled dependencies in the zip may not load; install {runtime} to run it as AWS does)"
    )


def unpack(zip_bytes: bytes, target: Path) -> Path:
    """Extract the function's code into ``target`` and return the directory."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.extractall(target)
    return target


def code_dir(zip_bytes: bytes, cache_root: Path | None = None) -> Path:
    """The function's code unpacked once per content (``<cache>/<sha256>``), safe against a concurrent unpack."""
    root = cache_root or Path(tempfile.gettempdir()) / "mlops-lambda-code"
    target = root / hashlib.sha256(zip_bytes).hexdigest()
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".unpack-"))
    unpack(zip_bytes, staging)
    try:
        staging.rename(target)
    except OSError:  # another invocation unpacked the same code first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def sdk_dir(cache_root: Path | None = None) -> Path:
    """A directory holding only the SDK modules the Lambda runtime provides (links into this environment)."""
    root = cache_root or Path(tempfile.gettempdir()) / "mlops-lambda-code"
    target = root / f"sdk-{hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]}"
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".sdk-"))
    for name in RUNTIME_PROVIDED_MODULES:
        try:
            module = __import__(name)
        except ImportError:
            continue
        source = Path(module.__file__ or "")
        source = source.parent if source.name == "__init__.py" else source
        (staging / source.name).symlink_to(source)
    try:
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def run(
    spec: FunctionSpec,
    event: str,
    code: Path,
    aws_env: Mapping[str, str],
    *,
    request_id: str | None = None,
) -> InvokeResult:
    """Run ``spec``'s handler on ``event`` (JSON text) from ``code`` with ``aws_env`` (region, endpoint, the role's
    credentials); a timeout, a crash or a raised error is an errored result, as Lambda reports it."""
    request_id = request_id or str(uuid.uuid4())
    python, warning = python_for(spec.runtime, code)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        **aws_env,
        **spec.environment,
        "PYTHONPATH": os.pathsep.join([str(code), str(sdk_dir())]),
        "PYTHONNOUSERSITE": "1",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(spec.timeout)),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime or 'unknown'}",
        "_HANDLER": spec.handler,
    }
    command = [python, "-s", "-c", _RUNNER, spec.handler, spec.name, str(spec.timeout), request_id]
    command += [str(spec.memory_mb), spec.arn]
    lines = [f"START RequestId: {request_id} Version: $LATEST"]
    if warning:
        lines.append(warning)
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, input=event, env=env, capture_output=True, text=True, timeout=spec.timeout, check=False
        )
        stdout, stderr, errored = done.stdout, done.stderr, done.returncode != 0
        answer = stdout.strip().splitlines()[-1] if stdout.strip() else ""
        if not answer:
            failure = {"errorMessage": f"exited with code {done.returncode}", "errorType": "Runtime.ExitError"}
            answer = json.dumps(failure)
            errored = True
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else (expired.stderr or "")
        message = f"Task timed out after {spec.timeout:.2f} seconds"
        answer = json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"})
        stderr += f"\n{message}"
        errored = True
    duration = (time.monotonic() - started) * 1000
    lines.extend(line for line in stderr.splitlines() if line.strip())
    lines.append(f"END RequestId: {request_id}")
    lines.append(f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tMemory Size: {spec.memory_mb} MB")
    return InvokeResult(answer, errored, "\n".join(lines), request_id, duration)


def invoke(
    lambda_client: Any,
    function_name: str,
    event: Mapping[str, Any],
    code_dir: Path,
    aws_env: Mapping[str, str],
    log_path: Path | None = None,
) -> Any:
    """Invoke ``function_name`` with ``event`` from the code in ``code_dir``; return the handler's answer.

    Kept for callers that run a function outside local AWS; local AWS itself runs functions through :func:`run`.
    """
    configuration = lambda_client.get_function_configuration(FunctionName=function_name)
    spec = FunctionSpec(
        name=function_name,
        handler=configuration["Handler"],
        runtime=configuration.get("Runtime"),
        timeout=float(configuration.get("Timeout", 60)),
        memory_mb=int(configuration.get("MemorySize", 128)),
        environment=(configuration.get("Environment") or {}).get("Variables") or {},
        arn=configuration.get("FunctionArn", ""),
    )
    result = run(spec, json.dumps(event), code_dir, aws_env)
    if log_path is not None:
        with log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ invoke {function_name}\n{result.log}\n{result.payload}\n")
    if result.errored:
        message = json.loads(result.payload).get("errorMessage")
        raise LambdaInvokeError(f"{function_name} failed ({message}); see its log")
    return json.loads(result.payload)
