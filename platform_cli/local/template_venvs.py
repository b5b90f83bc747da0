"""Virtual environments for the template repos, created once and reused, keyed by a hash of their requirements.

Templates whose requirement files are identical share one environment. The cache lives in `.venv-templates/`
at the platform's root (gitignored); a second run finds `<name>-<hash>/.complete` and reuses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the kit (a source checkout: template-repos/ lives beside platform_cli/)
CACHE = Path(os.environ.get("MLOPS_TEMPLATE_VENVS", ROOT / ".venv-templates"))
REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt")


def requirements_digest(template: Path) -> str:
    """Hash of the template's requirement files (contents only, so identical templates share the digest)."""
    digest = hashlib.sha256(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    for name in REQUIREMENT_FILES:
        path = template / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()[:16]


def venv_for(template: Path) -> Path:
    """The environment for `template`, created (pip install -r requirements-dev.txt) only when not cached.

    Named by the requirements' digest alone, so every user of identical requirements (the platform's tests, the
    demo's clone of a generated repo) shares one environment.
    """
    target = CACHE / f"env-{requirements_digest(template)}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".complete").exists():
            return target
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(target)], check=True)
        installed = subprocess.run(
            [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", "requirements-dev.txt"],
            cwd=template,
            capture_output=True,
            text=True,
        )  # fmt: skip
        if installed.returncode != 0:
            raise RuntimeError(f"pip install for {template.name} failed:\n{installed.stderr[-3000:]}")
        (target / ".installed").touch()  # the template Makefile's stamp: `make VENV=<this>` skips installing
        (target / ".complete").touch()
        return target
