"""Gate an image on Amazon ECR's scan-on-push findings.

``aws ecr describe-image-scan-findings ... --output json | python -m tools.scan_gate`` exits 0 when the scan is
complete and has no finding of a severity listed in config.yaml's ``scan.fail_on``; 1 otherwise, naming why.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tools import settings


def verdict(findings: dict[str, Any], fail_on: Iterable[str]) -> tuple[bool, str]:
    """(passes, one-line reason) for a DescribeImageScanFindings response."""
    status = (findings.get("imageScanStatus") or {}).get("status")
    if status != "COMPLETE":
        description = (findings.get("imageScanStatus") or {}).get("description") or "no description"
        return False, f"the image scan is not complete (status {status}: {description}); the image is not promoted"
    counts = (findings.get("imageScanFindings") or {}).get("findingSeverityCounts") or {}
    blocking = {severity: counts[severity] for severity in fail_on if counts.get(severity)}
    if blocking:
        listed = ", ".join(f"{count} {severity}" for severity, count in blocking.items())
        return False, f"the image has {listed} finding(s) (config.yaml scan.fail_on); fix them and push again"
    found = ", ".join(f"{count} {severity}" for severity, count in sorted(counts.items())) or "no findings"
    return True, f"scan passed ({found})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=settings.DEFAULT_CONFIG)
    parser.add_argument("findings", nargs="?", type=Path, help="findings JSON (default: standard input)")
    args = parser.parse_args(argv)
    text = args.findings.read_text() if args.findings else sys.stdin.read()
    passes, reason = verdict(json.loads(text), settings.load(args.config).fail_on)
    print(reason, file=sys.stdout if passes else sys.stderr)
    return 0 if passes else 1


if __name__ == "__main__":
    sys.exit(main())
