"""docs/first-hour.md, run: every command of the guide, extracted from the guide itself, against local AWS and
the local forge — the same commands, with the session variables of its step 0 pointing at the local servers.

Only the first base-infrastructure run is not the guide's command: on GitHub it is the deploy workflow, which
has no runner here. In its place the rehearsal applies the same Terraform the workflow applies, as the apply
role (a forge-minted OIDC token for ``<org>/base-infrastructure:environment:dev``), in dev only to keep the test
short (all three accounts: tests/base_infrastructure, `make demo`). After each step the guide's own check (a
`mlops doctor` command whose comment lists the checks that must pass) is run and held to that comment.
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

from platform_cli.config import TemplateKind, load_config
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.local.aws import subprocess_env
from platform_cli.local.demo.rehearsal import DemoOptions, Rehearsal
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


def read_guide() -> Guide:
    session, steps, checks = "", {}, {}
    for tag, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if tag == "first-hour-session":
            session = body
        elif tag.startswith("first-hour-check:"):
            checks[tag.split(":", 1)[1]] = body
        elif tag.startswith("first-hour:"):
            steps[tag.split(":", 1)[1]] = body
    return Guide(session, steps, checks)


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


def apply_dev(platform: LocalPlatform, info: LocalPlatformInfo, state: Path, env: dict[str, str]) -> None:
    """What the deploy workflow's dev job does, here: Terraform as the apply role, state in the bootstrap bucket."""
    import json

    os.environ.setdefault("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
    options = DemoOptions(state_dir=state, templates=(TemplateKind.BUILD_DEPLOY_REALTIME,), environments=("dev",))
    log_path = state / "apply.log"
    with log_path.open("w", encoding="utf-8") as log:
        rehearsal = Rehearsal(options, log, log_path)
        rehearsal.local = platform
        rehearsal.running = info
        rehearsal.config_path = Path(env["MLOPS_CONFIG"])
        outputs = next((state / ".mlops-local" / "bootstrap").glob("retail-dev-*.outputs.json"))
        rehearsal.bootstrap_outputs = {
            "dev": {item["OutputKey"]: item["OutputValue"] for item in json.loads(outputs.read_text())}
        }
        rehearsal.build_lambda()
        rehearsal.apply_all()


def test_every_command_of_the_guide_works_against_the_local_servers(
    local: tuple[LocalPlatform, LocalPlatformInfo, Path],
) -> None:
    platform, info, state = local
    guide = read_guide()
    env = session_env(platform, info, state)
    # Every variable step 0 sets is given here too (a variable added to the guide is added to this test).
    assert exported(guide.session) <= set(env), exported(guide.session) - set(env)
    for step in STEPS:
        if step == "base-infrastructure":
            apply_dev(platform, info, state, env)
        else:
            run_block(guide.steps[step], env, state)
        if step in guide.checks:
            check = guide.checks[step]
            output = run_block(check, env, state, check=False)
            lines = {line.split()[1]: line for line in output.splitlines() if line[:4] in ("PASS", "FAIL", "WARN")}
            for name in expected_passes(check):
                assert lines.get(name, "").startswith("PASS"), f"{step}: {name}: {lines.get(name)}\n{output}"
    created = run_block("mlops -o json project list", env, state)
    assert '"churn"' in created
