"""Each template repo stands alone: README, Makefile targets, config, requirements, tests; no cross imports."""

from __future__ import annotations

import re

import pytest

from tests.templates.conftest import CLASSIC, IMAGE_TEMPLATES, PRESENT, TEMPLATE_ROOT, TEMPLATES


def test_every_template_repo_exists() -> None:
    assert PRESENT == TEMPLATES


@pytest.mark.parametrize("name", PRESENT)
def test_a_template_has_what_a_data_scientist_needs_on_day_one(name: str) -> None:
    root = TEMPLATE_ROOT / name
    for required in ("README.md", "Makefile", "pyproject.toml", "requirements.txt", "requirements-dev.txt",
                     "config.yaml", ".gitignore"):  # fmt: skip
        assert (root / required).is_file(), f"{name} lacks {required}"
    assert list((root / "tests").glob("test_*.py")), f"{name} has no tests"
    makefile = (root / "Makefile").read_text()
    for target in ("test", "run-local"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), f"{name}/Makefile lacks target {target}"


@pytest.mark.parametrize("name", [name for name in PRESENT if name not in IMAGE_TEMPLATES])
def test_the_readme_justifies_the_sagemaker_sdk_choice(name: str) -> None:
    readme = (TEMPLATE_ROOT / name / "README.md").read_text()
    assert "Why SageMaker Python SDK v2" in readme
    assert "sagemaker>=2.257,<3" in (TEMPLATE_ROOT / name / "requirements.txt").read_text()


@pytest.mark.parametrize("name", PRESENT)
def test_no_template_imports_another_or_the_platform(name: str) -> None:
    others = [other.replace("-", "_") for other in PRESENT if other != name]
    for source in (TEMPLATE_ROOT / name).rglob("*.py"):
        if ".venv" in source.parts:
            continue
        text = source.read_text()
        assert "platform_cli" not in text, f"{source} imports the platform"
        assert "template-repos" not in text, f"{source} reaches into template-repos/"
        for other in others:
            assert not re.search(rf"^\s*(from|import)\s+{other}\b", text, re.MULTILINE), f"{source} imports {other}"


def test_classic_templates_share_one_set_of_requirements() -> None:
    contents = {
        (TEMPLATE_ROOT / n / "requirements-dev.txt").read_text() + (TEMPLATE_ROOT / n / "requirements.txt").read_text()
        for n in CLASSIC
    }
    assert len(contents) == 1, "classic templates' requirements diverge: they would need one venv each"


@pytest.mark.parametrize("name", IMAGE_TEMPLATES)
def test_an_image_template_says_why_it_has_no_sagemaker_sdk(name: str) -> None:
    assert "Why no SageMaker Python SDK here" in (TEMPLATE_ROOT / name / "README.md").read_text()
    assert "sagemaker" not in (TEMPLATE_ROOT / name / "requirements.txt").read_text()
