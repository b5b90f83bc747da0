"""base-infrastructure/examples: roots a user can apply, checked here with `terraform init` and `validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.base_infrastructure.harness import TERRAFORM_SRC
from tests.base_infrastructure.terraform_tree import copy_tree

EXAMPLES = TERRAFORM_SRC.parent / "examples"


@pytest.mark.parametrize("example", sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir()))
def test_the_example_is_formatted_and_valid(example: str, tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)  # the scratch copy keeps .terraform and lock files out of the source tree
    root = tree.root.parent / "examples" / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    assert tree.run("fmt", "-check", "-recursive", cwd=root).returncode == 0, "run terraform fmt on the example"
    init = tree.run("init", "-backend=false", "-no-color", cwd=root)
    assert init.returncode == 0, init.stderr[-2000:]
    validate = tree.run("validate", "-no-color", cwd=root)
    assert validate.returncode == 0, validate.stderr[-2000:]
    assert "The configuration is valid" in validate.stdout
