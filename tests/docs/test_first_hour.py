"""docs/first-hour.md, run: every command of the guide, extracted from the guide itself, against local AWS and
the local forge — the same commands, with the session variables of its step 0 pointing at the local servers.

Only the first base-infrastructure run is not the guide's GitHub command: on GitHub it is the deploy workflow,
which has no runner here. In its place the test runs the guide's own local block for that step (`mlops local
apply`, the same Terraform as the apply role), in dev only to keep the test short (all three accounts:
tests/base_infrastructure, `make demo`). After each step the guide's own check (a `mlops doctor` command whose
comment lists the checks that must pass) is run and held to that comment.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from platform_cli.config import load_config
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.local.aws import subprocess_env
from platform_cli.local.platform import LocalPlatform, LocalPlatformInfo

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDE = REPO_ROOT / "docs" / "first-hour.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"^```bash (first-hour[-:\w]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
STEPS = ["configure", "bootstrap", "publish", "base-infrastructure", "credentials", "project"]


@dataclass(frozen=True)
class Guide:
    session: str
    steps: dict[str, str]
    checks: dict[str, str]
    local: dict[str, str]  # a step's command on this machine, where it differs from GitHub's


def read_guide() -> Guide:
    session, steps, checks, local = "", {}, {}, {}
    for tag, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if tag == "first-hour-session":
            session = body
        elif tag.startswith("first-hour-local:"):
            local[tag.split(":", 1)[1]] = body
        elif tag.startswith("first-hour-check:"):
            checks[tag.split(":", 1)[1]] = body
        elif tag.startswith("first-hour:"):
            steps[tag.split(":", 1)[1]] = body
    return Guide(session, steps, checks, local)


def exported(session: str) -> set[str]:
    names: set[str] = set()
    for line in session.splitlines():
        if line.startswith("export "):
            names |= {word.split("=", 1)[0] for word in shlex.split(line, comments=True)[1:]}
    return names


def test_the_guide_has_a_block_for_each_step_in_order_and_the_readme_links_it() -> None:
    guide = read_guide()
    assert list(guide.steps) == STEPS
    assert set(guide.checks) <= set(STEPS)
    assert list(guide.local) == ["base-infrastructure"]  # the one step no GitHub runner does here
    assert "mlops local apply" in guide.local["base-infrastructure"]
    assert "docs/first-hour.md" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalPlatform, LocalPlatformInfo, Path]]:
    state = tmp_path_factory.mktemp("first-hour")
    platform = LocalPlatform(state / "local")
    seed = state / "seed.yaml"
    seed.write_text(render_config({**EXAMPLE_VALUES, "auth": "pat"}), encoding="utf-8")
    info = platform.up(load_config(seed))
    try:
        yield platform, info, state
    finally:
        platform.down()


def session_env(platform: LocalPlatform, info: LocalPlatformInfo, state: Path) -> dict[str, str]:
    """Step 0's variables, with local values; and what a shell on this machine has (the venv's `mlops`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MLOPS_", "GITHUB_"))}
    env = subprocess_env(info.aws, "dev", base)  # AWS_PROFILE: the dev account's local profile
    token_file = platform.token_file(platform.people.admin)
    (state / "home").mkdir(exist_ok=True)
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(state / "home"),
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "MLOPS_KIT": str(REPO_ROOT),
            "MLOPS_CONFIG": str(state / "platform.yaml"),
            "MLOPS_LOCAL_STATE": str(
                platform.state_dir
            ),  # what `mlops local env` sets: `mlops local` finds the servers
            "TF_PLUGIN_MIRROR": os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"),
            "GITHUB_ORG": str(EXAMPLE_VALUES["org"]),
            "GITHUB_API_URL": info.forge.api_url,
            "DEV_ACCOUNT": info.aws.accounts["dev"],
            "PREPROD_ACCOUNT": info.aws.accounts["preprod"],
            "PROD_ACCOUNT": info.aws.accounts["prod"],
            "AWS_PROFILE_PATTERN": "mlops-local-{environment}",
            "MLOPS_GITHUB_TOKEN": token_file.read_text().strip(),
            "PLATFORM_TOKEN_FILE": str(token_file),
            "DATA_SCIENTIST": platform.people.data_scientist,
        }
    )
    return env


def run_block(body: str, env: dict[str, str], cwd: Path, *, check: bool = True) -> str:
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", body], env=env, cwd=cwd, capture_output=True, text=True, timeout=900,
        check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    if check:
        assert done.returncode == 0, f"$ {body}\n{output[-3000:]}"
    return output


def expected_passes(check: str) -> list[str]:
    found = re.search(r"# PASS: (.+)$", check, re.MULTILINE)
    assert found, check
    return found.group(1).split()


def test_every_command_of_the_guide_works_against_the_local_servers(
    local: tuple[LocalPlatform, LocalPlatformInfo, Path],
) -> None:
    platform, info, state = local
    guide = read_guide()
    env = session_env(platform, info, state)
    # Every variable step 0 sets is given here too (a variable added to the guide is added to this test).
    assert exported(guide.session) <= set(env), exported(guide.session) - set(env)
    for step in STEPS:
        run_block(guide.local.get(step, guide.steps[step]), env, state)
        if step in guide.checks:
            check = guide.checks[step]
            output = run_block(check, env, state, check=False)
            lines = {line.split()[1]: line for line in output.splitlines() if line[:4] in ("PASS", "FAIL", "WARN")}
            for name in expected_passes(check):
                assert lines.get(name, "").startswith("PASS"), f"{step}: {name}: {lines.get(name)}\n{output}"
    created = run_block("mlops -o json project list", env, state)
    assert '"churn"' in created
