"""`pip install mlops-platform` without extras: the admin CLI works, and local commands name the extra to install.

The test runs ``mlops`` in a fresh interpreter whose import system refuses the modules only the ``local`` extra
installs (moto, werkzeug, flask), exactly as if they were absent: a meta-path finder placed first raises
ModuleNotFoundError for them. This is what an install without the extra looks like to our code; it cannot tell the
difference, and the test fails the moment any import on the path of ``--help`` or ``doctor`` reaches them.
(A real ``pip install .`` into a fresh virtualenv needs the package index, so it is a by-hand check, not a test.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from platform_cli.cli.errors import LOCAL_EXTRA_MODULES
from platform_cli.config_template import EXAMPLE_VALUES, render_config

RUN_WITHOUT_LOCAL_EXTRA = f"""
import sys

BLOCKED = {sorted(LOCAL_EXTRA_MODULES)!r}


class WithoutLocalExtra:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, WithoutLocalExtra())
from platform_cli.cli.main import run

sys.argv = ["mlops", *sys.argv[1:]]
try:
    run()
finally:
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
    assert not loaded, loaded
"""


def _mlops_without_local_extra(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MLOPS_"))}
    return subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_LOCAL_EXTRA, *args],
        cwd=cwd,
        env={**env, "NO_COLOR": "1", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_works_without_the_local_extra(tmp_path: Path) -> None:
    result = _mlops_without_local_extra("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    for group in ("project", "local", "doctor", "org"):
        assert group in result.stdout


def test_doctor_works_without_the_local_extra(tmp_path: Path) -> None:
    result = _mlops_without_local_extra("doctor", cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert "python" in result.stdout
    assert "config" in result.stdout


def test_a_local_command_without_the_extra_names_the_extra_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "platform.yaml").write_text(render_config(EXAMPLE_VALUES))
    result = _mlops_without_local_extra(
        "--config", str(tmp_path / "platform.yaml"), "local", "up", "--state-dir", str(tmp_path / "state"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: this command runs the local emulator, which is not installed: pip install 'mlops-platform[local]'"
    )
