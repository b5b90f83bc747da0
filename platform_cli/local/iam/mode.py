"""Strict or permissive: whether local AWS refuses what IAM would refuse, or only logs it.

The server reads ``MLOPS_LOCAL_IAM`` (``strict`` | ``permissive``; unset: :data:`DEFAULT_MODE`). Permissive
evaluates and logs every request exactly as strict does, and lets the denials through — for debugging only.
"""

from __future__ import annotations

import os
from typing import Literal

MODE_VARIABLE = "MLOPS_LOCAL_IAM"
Mode = Literal["strict", "permissive"]
# Permissive until `make demo` and the test suite pass strict (issue 12); the denials they show are platform fixes.
DEFAULT_MODE: Mode = "permissive"


def current() -> Mode:
    value = os.environ.get(MODE_VARIABLE, DEFAULT_MODE).strip().lower()
    if value not in ("strict", "permissive"):
        raise ValueError(f"{MODE_VARIABLE}={value!r}: use 'strict' or 'permissive'")
    return "strict" if value == "strict" else "permissive"


PERMISSIVE_WARNING = (
    "WARNING: local AWS is PERMISSIVE: IAM denials are logged, not enforced. AWS would refuse what it lets "
    "through; `mlops local decisions --denied` lists them. Use for debugging only."
)
