"""Strict or permissive: whether local AWS refuses what IAM would refuse, or only logs it.

The server reads ``MLOPS_LOCAL_IAM`` (``strict`` | ``permissive``; unset: :data:`DEFAULT_MODE`). Permissive
evaluates and logs every request exactly as strict does, and lets the denials through — for debugging only.
"""

from __future__ import annotations

import os
from typing import Literal

MODE_VARIABLE = "MLOPS_LOCAL_IAM"
Mode = Literal["strict", "permissive"]
# Strict: the rehearsal is worth what it refuses (issue 12). Permissive is for debugging only, and says so.
DEFAULT_MODE: Mode = "strict"


def current() -> Mode:
    value = os.environ.get(MODE_VARIABLE, DEFAULT_MODE).strip().lower()
    if value not in ("strict", "permissive"):
        raise ValueError(f"{MODE_VARIABLE}={value!r}: use 'strict' or 'permissive'")
    return "strict" if value == "strict" else "permissive"


PERMISSIVE_WARNING = (
    "WARNING: local AWS is PERMISSIVE: IAM denials are logged, not enforced. AWS would refuse what it lets "
    "through; `mlops local decisions --denied` lists them. Use for debugging only."
)
