"""A scratch copy of base-infrastructure/terraform and a Terraform environment that never touches the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.base_infrastructure.harness import TERRAFORM_SRC, tf_cli_config

MODULES = (
    "networking",
    "kms",
    "s3",
    "sagemaker_studio",
    "iam",
    "github_credentials",
    "project_lambdas",
    "project_templates",
    "ssm",
    "deploy_targets",
)


@dataclass(frozen=True)
class TerraformTree:
    root: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["terraform", *args],
            cwd=cwd or self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )

    def module(self, name: str) -> Path:
        return self.root / "modules" / name


def copy_tree(base: Path) -> TerraformTree:
    """Copy the Terraform (with the project templates it reads by relative path) under ``base``."""
    target = base / "base-infrastructure"
    shutil.copytree(TERRAFORM_SRC, target / "terraform", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    shutil.copytree(TERRAFORM_SRC.parent / "project-templates", target / "project-templates")
    cache = base / "plugin-cache"
    cache.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(base),
        "TF_CLI_CONFIG_FILE": str(tf_cli_config(base)),
        "TF_PLUGIN_CACHE_DIR": str(cache),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        # No AWS settings at all: static checks and mocked tests must not need credentials.
    }
    return TerraformTree(root=target / "terraform", env=env)


SUITES = ("root", *MODULES)


def run_suites(tree: TerraformTree) -> dict[str, subprocess.CompletedProcess[str]]:
    """`terraform init` and `terraform test` of the root and of every module."""

    def where(suite: str) -> Path:
        return tree.root if suite == "root" else tree.module(suite)

    results: dict[str, subprocess.CompletedProcess[str]] = {}
    # Inits one at a time (concurrent inits race to fill the shared plugin cache), then the suites, two at a time.
    for suite in SUITES:
        results[suite] = tree.run("init", "-backend=false", "-input=false", "-no-color", cwd=where(suite))
    ready = [suite for suite in SUITES if results[suite].returncode == 0]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda suite: tree.run("test", "-no-color", cwd=where(suite)), ready)
        results.update(zip(ready, runs, strict=True))
    return results
