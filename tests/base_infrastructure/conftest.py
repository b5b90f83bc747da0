"""Shared heavy setup of the base-infrastructure tests.

The `terraform test` suites (static gates) and the real apply on local AWS are the two slow parts, and both
spend most of their time waiting (provider polling, moto). ``terraform_test_runs`` starts the suites in a
background thread the first time any test asks for it; the apply fixture asks for it first, so the suites run
while the three environments apply, and ``test_static_gates`` only collects the results.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from tests.base_infrastructure.terraform_tree import TerraformTree, copy_tree, run_suites


@pytest.fixture(scope="session")
def terraform_tree(tmp_path_factory: pytest.TempPathFactory) -> TerraformTree:
    return copy_tree(tmp_path_factory.mktemp("tf-static"))


@pytest.fixture(scope="session")
def terraform_test_runs(terraform_tree: TerraformTree) -> Iterator[Future[dict[str, subprocess.CompletedProcess[str]]]]:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terraform-test")
    future = pool.submit(run_suites, terraform_tree)
    yield future
    pool.shutdown(wait=True)
