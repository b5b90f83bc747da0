"""The local journey of a new admin, typed into a terminal as a person would, asserted on what the screen shows.

One shell in a pseudo-terminal (tests/fixtures/terminal.py), one `mlops local up` for the whole journey:
config init → local up → eval "$(mlops local env)" → config validate, doctor → bootstrap (dev) → org publish →
local apply (dev) → github set-credentials → project create (through Service Catalog) → list → describe → sync →
local status → project delete (answering its question) → local down.
Only 127.0.0.1; the servers `local up` starts are stopped by their recorded PIDs whatever happens.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.terminal import Screen, Terminal

# Fifteen commands, two servers, one Terraform apply (dev): a few minutes; the bound is generous.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

KIT = Path(__file__).resolve().parents[2]
PROJECT_ID = "p-0123456789ab"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    # What a fresh login shell has: no AWS, GitHub or mlops settings, the platform's venv on PATH.
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MLOPS_", "GITHUB_", "GH_"))}
    env = {
        **kept,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TERM": "xterm-256color",
    }
    shell = Terminal(tmp_path, env)
    try:
        yield shell
    finally:
        shell.close()
        from platform_cli.local.platform import LocalPlatform

        LocalPlatform(tmp_path / ".mlops-local").down()  # stops the recorded PIDs only; a no-op after `local down`


def ok(screen: Screen, terminal: Terminal) -> str:
    assert screen.status == 0, f"`{screen.command}` exited {screen.status}:\n{screen.text}"
    assert "Traceback" not in screen.text, screen.text
    return screen.text


def test_a_new_admin_goes_from_config_init_to_local_down_in_a_terminal(terminal: Terminal, tmp_path: Path) -> None:
    shell = terminal
    text = ok(shell.run("mlops config init --org acme-ml"), shell)
    assert f"wrote {tmp_path / 'platform.yaml'}" in text or "wrote platform.yaml" in text

    text = ok(shell.run("mlops local up", timeout=180), shell)
    assert 'eval "$(mlops local env)"' in text
    for line in ("export AWS_ENDPOINT_URL=http://127.0.0.1:", "export MLOPS_GITHUB_API_URL=http://127.0.0.1:"):
        assert line in text
    assert "export AWS_PROFILE=mlops-local-dev" in text
    token = (tmp_path / ".mlops-local" / "tokens" / "platform-admin.token").read_text().strip()
    assert token not in text  # the token stays in its file

    ok(shell.run('eval "$(mlops local env)"'), shell)
    # config init's placeholder accounts are local AWS's own: against the forge they are not placeholders.
    assert "platform.yaml: valid" in ok(shell.run("mlops config validate"), shell)
    assert "PASS config" in ok(shell.run("mlops doctor"), shell)

    # No api_url edit, no token, profile or AWS variable exported by hand: the environment above is all it takes.
    text = ok(shell.run(f"mlops bootstrap --yes --env dev --script {KIT / 'bootstrap.sh'}", timeout=300), shell)
    assert "dev: created" in text and "via profile mlops-local-dev" in text

    text = ok(shell.run("mlops org publish", timeout=300), shell)  # the kit: the checkout mlops runs from
    assert re.search(rf"publishing \d+ repositories from {re.escape(str(KIT))} to acme-ml", text), text
    assert "acme-ml/model-build: created" in text
    assert "acme-ml/base-infrastructure: dev variable TF_APPLY_ROLE_ARN" in text  # from dev's bootstrap outputs
    assert "acme-ml/model-deploy-realtime: content pushed" in text

    # Without base-infrastructure in local AWS there is no project template to launch: one line names the fix.
    refused = shell.run("mlops project create churn --template build-deploy-realtime --user ada", timeout=120)
    assert refused.status == 1 and "apply base-infrastructure first with `mlops local apply`" in refused.text

    text = ok(shell.run("mlops local apply --env dev", timeout=900), shell)
    assert "base-infrastructure applied in local AWS: dev" in text
    assert "build-deploy-realtime" in text  # a project template offered in dev
    token_file = tmp_path / ".mlops-local" / "tokens" / "platform-admin.token"
    ok(shell.run(f"mlops github set-credentials --token-stdin < {token_file}"), shell)

    create = f"mlops project create churn --template build-deploy-realtime --user ada --id {PROJECT_ID}"
    text = ok(shell.run(create, timeout=300), shell)
    assert f"project churn ({PROJECT_ID}), template build-deploy-realtime" in text
    assert f"/acme-ml/churn-{PROJECT_ID}-deploy" in text

    text = ok(shell.run("mlops project list"), shell)
    for column in ("project", "project id", "status", "template kind", "repositories", "created (UTC)"):
        assert column in text
    assert f"acme-ml/churn-{PROJECT_ID}-build" in text

    text = ok(shell.run("mlops project describe churn"), shell)
    assert "status:         CreateCompleted" in text
    assert "delete policy:  archive" in text
    assert "dev, preprod, prod" in text  # the deploy repository's environments, read from GitHub
    assert "acme-ml/model-deploy-realtime" in text  # the template it was made from

    text = ok(shell.run("mlops project sync churn"), shell)
    assert "project churn is in sync: nothing to change" in text

    text = ok(shell.run("mlops local status"), shell)
    assert text.count("running, healthy") == 2
    assert f"churn-{PROJECT_ID}-build" in text and "model-build" in text

    shell.start("mlops project delete churn")
    shell.expect(r"Delete project churn \(archive its repositories\)\? \[y/N\]: $")
    shell.type("y\n")
    text = ok(shell.finish("mlops project delete churn"), shell)
    assert "Deleted project churn; its repositories were archived." in text

    pids = [int(p) for p in _pids(ok(shell.run("mlops -o json local status"), shell))]
    text = ok(shell.run("mlops local down"), shell)
    assert "aws: stopped; forge: stopped" in text
    from platform_cli.local.aws.process import is_alive

    assert [pid for pid in pids if is_alive(pid)] == []  # gone (or a zombie left to a non-reaping init)


def _pids(status_json: str) -> list[int]:
    import json

    data = json.loads(status_json)
    return [data["aws"]["pid"], data["forge"]["pid"]]
