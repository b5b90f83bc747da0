"""The list of intentional duplicates (tests/intentional-duplicates.yaml) speaks only of code that exists."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "intentional-duplicates.yaml"


def _entries() -> list[dict[str, object]]:
    entries = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


def test_every_listed_path_matches_a_tracked_file() -> None:
    unmatched = [
        pattern
        for entry in _entries()
        for pattern in entry["paths"]  # type: ignore[attr-defined]
        if not any(path.is_file() for path in ROOT.glob(str(pattern)))
    ]
    assert unmatched == [], f"patterns that match no file (remove or correct them): {unmatched}"


def test_every_entry_says_why_the_copies_are_meant() -> None:
    reasons = [str(entry.get("why", "")).strip() for entry in _entries()]
    assert all(len(reason) > 40 for reason in reasons), reasons
