"""AWS region names as botocore knows them (its bundled ``partitions.json`` and ``endpoints.json``).

No call is made: the lists ship inside botocore, so a region AWS launched after this botocore was released is
unknown until botocore is upgraded (the error says so).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def known_regions() -> dict[str, str]:
    """``{region: partition}`` for every region of every partition botocore ships (``*-global`` pseudo-regions
    left out)."""
    from botocore.loaders import create_loader

    loader = create_loader()
    regions: dict[str, str] = {}
    for document in ("partitions", "endpoints"):
        data: Any = loader.load_data(document)
        for partition in data.get("partitions", []):
            name = str(partition.get("id") or partition.get("partition"))
            for region in partition.get("regions", {}):
                if not str(region).endswith("-global"):
                    regions.setdefault(str(region), name)
    return regions


def close_regions(name: str, limit: int = 3) -> list[str]:
    """The known regions most like ``name`` (for a "did you mean" hint)."""
    regions = sorted(known_regions())
    close = difflib.get_close_matches(name, regions, n=limit, cutoff=0.6)
    return sorted(close)


def region_problem(name: str) -> str | None:
    """``None`` for a known region; otherwise one line naming it and the closest valid names."""
    if name in known_regions():
        return None
    close = close_regions(name)
    if close:
        return f"{name!r} is not an AWS region name; did you mean {', '.join(close)}?"
    return f"{name!r} is not an AWS region name such as eu-west-1 or us-east-1"
