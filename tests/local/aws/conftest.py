"""Running the real ``terraform`` binary against local AWS in tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from platform_cli.local.aws import LocalAws

PLUGIN_MIRROR = Path("/opt/tf-plugins")


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """The Terraform CLI config: ``TF_CLI_CONFIG_FILE`` when set (``make tf-config``), else the local mirror's."""
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    if configured and Path(configured).is_file():
        return configured
    if not (PLUGIN_MIRROR / "registry.terraform.io").is_dir():
        return None
    path = tmp_path_factory.mktemp("terraform") / "cli.tfrc"
    providers = '"registry.terraform.io/hashicorp/aws"'
    path.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{PLUGIN_MIRROR}"\n    include = [{providers}]\n  }}\n'
        f"  direct {{\n    exclude = [{providers}]\n  }}\n}}\n"
    )
    return str(path)


class TerraformRunner:
    """Runs the real ``terraform`` binary in one account of local AWS."""

    def __init__(self, binary: str, local_aws: LocalAws, cli_config: str | None) -> None:
        self.binary = binary
        self.local_aws = local_aws
        self.cli_config = cli_config

    def env(self, account: str) -> dict[str, str]:
        env = {**os.environ, **self.local_aws.env_for(account), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
        if self.cli_config:
            env["TF_CLI_CONFIG_FILE"] = self.cli_config
        return env

    def __call__(
        self, *args: str, cwd: Path, account: str = "dev", timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run ``terraform <args>`` to completion, output captured."""
        return subprocess.run(
            [self.binary, *args, "-no-color"],
            cwd=cwd,
            env=self.env(account),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str, cwd: Path, account: str = "dev") -> subprocess.Popen[str]:
        """Start ``terraform <args>`` in the background; the caller waits for it."""
        return subprocess.Popen(
            [self.binary, *args, "-no-color"],
            cwd=cwd,
            env=self.env(account),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def terraform(local_aws: LocalAws, terraform_cli_config: str | None) -> TerraformRunner:
    """``terraform(*args, cwd=..., account="dev")`` runs terraform against local AWS; ``.start`` runs it in the
    background."""
    binary = shutil.which("terraform")
    assert binary, "terraform (1.10+) must be on PATH for the local AWS Terraform tests"
    return TerraformRunner(binary, local_aws, terraform_cli_config)
