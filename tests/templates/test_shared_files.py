"""The template repos share files on purpose, and only as template-repos/shared-files.yaml says."""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

TEMPLATES = Path(__file__).resolve().parents[2] / "template-repos"
MANIFEST: dict[str, Any] = yaml.safe_load((TEMPLATES / "shared-files.yaml").read_text())
TRACKED_NOT = {"__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "build", ".mypy_cache"}


def _files(template: str) -> dict[str, bytes]:
    root = TEMPLATES / template
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not TRACKED_NOT & set(path.relative_to(root).parts) and path.suffix != ".pyc"
    }


def _changed_lines(first: bytes, second: bytes) -> int:
    diff = difflib.unified_diff(first.decode().splitlines(), second.decode().splitlines(), n=0, lineterm="")
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


@pytest.mark.parametrize("group", MANIFEST["identical"], ids=lambda g: g["file"] + ":" + ",".join(g["templates"]))
def test_files_listed_as_identical_are_identical(group: dict[str, Any]) -> None:
    contents = {template: (TEMPLATES / template / group["file"]).read_bytes() for template in group["templates"]}
    first = next(iter(contents.values()))
    assert [template for template, content in contents.items() if content != first] == []


@pytest.mark.parametrize("group", MANIFEST["variants"], ids=lambda g: g["file"])
def test_variants_stay_within_their_listed_difference(group: dict[str, Any]) -> None:
    first, *others = [(TEMPLATES / template / group["file"]).read_bytes() for template in group["templates"]]
    assert max(_changed_lines(first, other) for other in others) <= group["max_changed_lines"], group["why"]


def test_every_identical_copy_across_templates_is_listed() -> None:
    listed = {
        (g["file"], a, b) for g in MANIFEST["identical"] for a, b in itertools.combinations(sorted(g["templates"]), 2)
    }
    files = {template.name: _files(template.name) for template in sorted(TEMPLATES.iterdir()) if template.is_dir()}
    holders: dict[str, list[str]] = defaultdict(list)
    for template, contents in files.items():
        for name in contents:
            holders[name].append(template)
    unlisted = [
        (name, a, b)
        for name, templates in sorted(holders.items())
        for a, b in itertools.combinations(sorted(templates), 2)
        if files[a][name] == files[b][name] and (name, a, b) not in listed
    ]
    assert unlisted == [], "add these to template-repos/shared-files.yaml (identical) or make them differ"


@pytest.mark.parametrize("pair", MANIFEST["overlaps"], ids=lambda p: " ~ ".join(p["files"]))
def test_files_listed_as_overlapping_exist_and_say_why(pair: dict[str, Any]) -> None:
    assert all((TEMPLATES / name).is_file() for name in pair["files"])
    assert pair["why"].strip()
