"""The Lambda artifact: reproducible, runtime dependencies only, importable on its own."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from platform_cli.lambdas.build import build


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("lambda")
    return build(root / "a.zip").path, build(root / "b" / "lambda.zip").path


def test_the_same_source_gives_the_same_bytes(artifacts: tuple[Path, Path]) -> None:
    first, second = artifacts
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()


def test_entries_are_sorted_with_fixed_time_and_permissions(artifacts: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(artifacts[0]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_only_runtime_code_goes_in(artifacts: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(artifacts[0]) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names}
    assert {"github", "pydantic", "yaml", "nacl", "jwt", "requests", "platform_cli"} <= tops
    for absent in ("boto3", "botocore", "moto", "pytest", "typer", "rich", "checkov"):
        assert absent not in tops
    assert "platform_cli/lambdas/project_repos.py" in names
    assert "platform_cli/provisioning/contract.yaml" in names
    assert not [n for n in names if n.startswith(("platform_cli/cli/", "platform_cli/local/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", "/RECORD"))]


def test_the_zip_holds_the_handler_packages_and_their_runtime_dependencies_only(
    artifacts: tuple[Path, Path],
) -> None:
    from platform_cli.lambdas.build import runtime_distributions

    with zipfile.ZipFile(artifacts[0]) as archive:
        names = archive.namelist()
    dependency_tops = {
        str(file).split("/")[0]
        for dist in runtime_distributions()
        if dist.metadata["Name"] != "mlops-platform"
        for file in dist.files or []
    }
    tops = {name.split("/")[0] for name in names}
    assert tops - dependency_tops == {"platform_cli"}
    platform = {name.split("/")[1] for name in names if name.startswith("platform_cli/")}
    assert platform == {
        "__init__.py",
        "config.py",
        "regions.py",
        "errors.py",
        "secret.py",
        "strict_model.py",
        "py.typed",
        "lambdas",
        "provisioning",
        "github",
    }
    emulation_bench_or_test = [
        name
        for name in names
        if name.startswith("platform_cli/")
        and any(word in name for word in ("local", "bench", "test", "conftest", "moto"))
    ]
    assert emulation_bench_or_test == []


def test_the_handlers_import_from_the_zip_alone(artifacts: tuple[Path, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(artifacts[0]) as archive:
        archive.extractall(tmp_path / "task")
    code = (
        "import platform_cli.lambdas.project_repos, platform_cli.lambdas.trigger_workflow;"
        "import platform_cli.provisioning.reconcile, platform_cli.lambdas.properties;"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path / "task",
        env={"PYTHONPATH": str(tmp_path / "task"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_a_build_on_another_python_than_the_lambda_runtime_says_so() -> None:
    from platform_cli.lambdas.build import LAMBDA_RUNTIME, runtime_note

    assert runtime_note(LAMBDA_RUNTIME) is None
    note = runtime_note((3, 11))
    assert note is not None and "python3.12" in note and "Python 3.11" in note


def test_the_build_targets_the_runtime_terraform_deploys() -> None:
    from platform_cli.lambdas.build import LAMBDA_RUNTIME

    module = Path(__file__).resolve().parents[2] / "base-infrastructure/terraform/modules/project_lambdas/main.tf"
    assert f'runtime                        = "python{LAMBDA_RUNTIME[0]}.{LAMBDA_RUNTIME[1]}"' in module.read_text()
