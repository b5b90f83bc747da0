"""`mlops org publish` without --kit publishes the kit of the current directory, else of the checkout mlops runs
from (the local journey runs it from a directory of the admin's own)."""

from __future__ import annotations

from pathlib import Path

from platform_cli.cli.org_cmd import default_kit

CHECKOUT = Path(__file__).resolve().parents[2]


def test_a_directory_holding_a_kit_is_the_kit(tmp_path: Path) -> None:
    (tmp_path / "template-repos").mkdir()
    assert default_kit(tmp_path) == tmp_path


def test_elsewhere_the_checkout_mlops_runs_from_is_the_kit(tmp_path: Path) -> None:
    assert default_kit(tmp_path) == CHECKOUT
    assert (CHECKOUT / "base-infrastructure").is_dir()
