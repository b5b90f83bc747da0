"""mlops-platform: a secure, multi-account MLOps platform on AWS, driven from a GitHub organisation."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mlops-platform")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
