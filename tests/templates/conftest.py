"""Harness for template-repos/: markers, the template list, and the contract the workflows must match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOT = ROOT / "template-repos"
CONTRACT = ROOT / "platform_cli" / "provisioning" / "contract.yaml"

# The six template repos (BRIEF: names fixed across the project), and the optional ones a template kind adds
# (issue 17: container-build for bring-your-own-container). Classic ones share one virtual environment.
TEMPLATES = (
    "model-build",
    "model-deploy-realtime",
    "model-deploy-batch",
    "pipeline-promotion",
    "single-account-training",
    "llm-fine-tuning",
    # --- bring your own container (issue 17 item 1) ---
    "container-build",
)
# container-build builds an image and never calls SageMaker: no SDK, its own (image) requirements.
IMAGE_TEMPLATES = ("container-build",)
CLASSIC = tuple(name for name in TEMPLATES if name not in ("llm-fine-tuning", *IMAGE_TEMPLATES))
PRESENT = tuple(name for name in TEMPLATES if (TEMPLATE_ROOT / name).is_dir())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "templates: runs a template repo's own tests or local run in its virtual environment (heavy)"
    )


def load_contract() -> dict[str, Any]:
    """provisioning's contract.yaml: the one list of variables, secrets and environments each template may read."""
    data: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
    return data


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    return load_contract()
