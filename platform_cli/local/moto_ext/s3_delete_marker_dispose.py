"""DeleteObjects that removes a key's last versions while another request does the same (moto 5.2.5 gap).

moto's versioned key store disposes every version of a key it drops, but its delete markers have no
``dispose``: when concurrent DeleteObjects calls (Terraform emptying a versioned bucket on destroy) leave a delete
marker in the list being dropped, the request fails with HTTP 500 (AttributeError). A delete marker holds no
buffer, so disposing of it is doing nothing.
"""

from __future__ import annotations

from typing import Any


def register() -> None:
    from moto.s3.models import FakeDeleteMarker

    if hasattr(FakeDeleteMarker, "dispose"):
        return

    def dispose(self: Any, garbage: bool = False) -> None:
        return None

    FakeDeleteMarker.dispose = dispose  # type: ignore[attr-defined]
