"""Build the Lambda artifact: a reproducible zip of the provisioning code and its runtime dependencies.

``python -m platform_cli.lambdas.build --out build/lambda.zip`` prints the size and sha256. Same source → same
bytes: entries sorted, timestamps fixed (1980-01-01), permissions fixed (0644 files), no ``__pycache__``, no
install-time files (RECORD, INSTALLER, direct_url.json), fixed compression. Only runtime dependencies go in:
the closure of ``RUNTIME_REQUIREMENTS`` (boto3 is provided by the Lambda runtime), taken from this interpreter's
installed distributions, so build with the Lambda's Python version and architecture (``LAMBDA_RUNTIME``, x86_64):
compiled dependencies (pydantic-core, PyNaCl, cryptography) only load on the CPython they were built for.
Only the packages the Lambdas import are included from platform_cli (no CLI, no local emulation).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement

RUNTIME_REQUIREMENTS = ("PyGithub", "pydantic", "PyYAML")
PROVIDED_BY_RUNTIME = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six"}
PLATFORM_PACKAGES = ("platform_cli/provisioning", "platform_cli/github", "platform_cli/lambdas")
PLATFORM_FILES = (
    "platform_cli/__init__.py",
    "platform_cli/errors.py",
    "platform_cli/config.py",
    "platform_cli/regions.py",
    "platform_cli/secret.py",
    "platform_cli/strict_model.py",
    "platform_cli/py.typed",
)
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_SKIP_DIST_FILES = {"RECORD", "INSTALLER", "direct_url.json", "REQUESTED"}
_SKIP_PARTS = {"__pycache__", "tests"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(roots: Iterable[str] = RUNTIME_REQUIREMENTS) -> list[Distribution]:
    """The installed distributions ``roots`` need at run time (extras followed, runtime-provided ones left out)."""
    seen: dict[str, Distribution] = {}
    stack: list[tuple[str, frozenset[str]]] = [(root, frozenset()) for root in roots]
    while stack:
        name, extras = stack.pop()
        key = _normal(name)
        if key in PROVIDED_BY_RUNTIME:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            raise SystemExit(f"error: runtime dependency {name} is not installed; run `make venv`") from None
        first = key not in seen
        seen[key] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in (extras or {""})]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            if first or requirement.extras:
                stack.append((requirement.name, frozenset(requirement.extras)))
    return [seen[key] for key in sorted(seen)]


def _wanted(relative: PurePosixPath) -> bool:
    if _SKIP_PARTS & set(relative.parts) or relative.suffix in {".pyc", ".pyo"}:
        return False
    if relative.parts[0].endswith(".dist-info") and relative.name in _SKIP_DIST_FILES:
        return False
    return not (relative.parts[0] in {"..", "bin"} or relative.parts[0].endswith(".data"))


def _distribution_files(dist: Distribution) -> Iterator[tuple[str, Path]]:
    for file in dist.files or []:
        relative = PurePosixPath(str(file))
        if not _wanted(relative):
            continue
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            yield str(relative), path


def _platform_files(source_root: Path) -> Iterator[tuple[str, Path]]:
    for name in PLATFORM_FILES:
        path = source_root / name
        if path.is_file():
            yield name, path
    for package in PLATFORM_PACKAGES:
        for path in sorted((source_root / package).rglob("*")):
            relative = PurePosixPath(path.relative_to(source_root).as_posix())
            if path.is_file() and _wanted(relative) and relative.suffix in {".py", ".yaml", ".json", ".j2", ".typed"}:
                yield str(relative), path


@dataclass(frozen=True)
class Artifact:
    path: Path
    size: int
    sha256: str
    entries: int


def build(out: Path, source_root: Path | None = None) -> Artifact:
    """Write the zip to ``out`` and describe it."""
    root = source_root or Path(__file__).resolve().parents[2]
    entries: dict[str, Path] = {}
    for dist in runtime_distributions():
        if _normal(dist.metadata["Name"]) == "mlops-platform":
            continue
        entries.update(_distribution_files(dist))
    entries.update(_platform_files(root))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name].read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    tmp.replace(out)
    data = out.read_bytes()
    return Artifact(out, len(data), hashlib.sha256(data).hexdigest(), len(entries))


# The runtime base-infrastructure gives both functions (modules/project_lambdas) and deploy.yml builds with.
LAMBDA_RUNTIME = (3, 12)


def runtime_note(version: tuple[int, int] = (sys.version_info.major, sys.version_info.minor)) -> str | None:
    """A warning when this interpreter cannot build a deployable artifact (fine for local rehearsals)."""
    if version == LAMBDA_RUNTIME:
        return None
    built, wanted = ".".join(map(str, version)), ".".join(map(str, LAMBDA_RUNTIME))
    return (
        f"note: built with Python {built}; the Lambdas run python{wanted}: build with Python {wanted} "
        "(as the deploy workflow does) before applying to real AWS"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=Path("build/lambda.zip"), help="Where to write the zip.")
    args = parser.parse_args(argv)
    artifact = build(args.out)
    print(f"{artifact.path}  {artifact.size / 1_048_576:.1f} MiB ({artifact.size} bytes, {artifact.entries} files)")
    print(f"sha256 {artifact.sha256}")
    note = runtime_note()
    if note:
        print(note, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
