"""Extension state is created once per backend, however many server threads ask for it first at the same time."""

from __future__ import annotations

import threading
import time
from typing import Any

from platform_cli.local.moto_ext._support import state


class _Backend:
    pass


def test_concurrent_first_use_of_extension_state_gives_every_thread_the_same_state() -> None:
    backend = _Backend()
    seen: list[Any] = []
    start = threading.Barrier(4)

    def slow_factory() -> dict[str, list[str]]:
        time.sleep(0.05)  # the window in which a second thread used to create its own state
        return {}

    def first_use(name: str) -> None:
        start.wait()
        catalog = state(backend, "catalog", slow_factory)
        catalog.setdefault("principals", []).append(name)
        seen.append(catalog)

    threads = [threading.Thread(target=first_use, args=(f"role-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(catalog is seen[0] for catalog in seen)
    assert sorted(state(backend, "catalog", dict)["principals"]) == ["role-0", "role-1", "role-2", "role-3"]
