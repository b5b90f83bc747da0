"""Benchmark of the local forge: ``python -m platform_cli.local.forge.bench [--calls N] [--clients N]``.

Prints the forge's start-up time, the median (and p95) latency of each REST call the platform makes with fault
injection off (target: median ≤ 5 ms), and a run of concurrent clients (default 50), each its own user with its own
keep-alive connection, counting errors (target: none).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from nacl import public

from platform_cli.local.forge.server import ForgeServer, start_background, stop

TARGET_MEDIAN_MS = 5.0


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    return session


def _sealed(session: requests.Session, url: str) -> dict[str, str]:
    key = session.get(f"{url}/actions/secrets/public-key", timeout=10).json()
    box = public.SealedBox(public.PublicKey(base64.b64decode(key["key"])))
    return {"encrypted_value": base64.b64encode(box.encrypt(b"bench")).decode(), "key_id": key["key_id"]}


def latency(server: ForgeServer, calls: int) -> list[tuple[str, float, float]]:
    admin = server.admin
    token = admin.create_user("bench-owner")
    admin.create_org("bench", owners=["bench-owner"])
    admin.create_repo("bench", "svc", is_template=True)
    admin.commit_files("bench/svc", {".github/workflows/build.yml": "on: workflow_dispatch\njobs: {}\n"})
    server.set_faults(server.faults.__class__(secondary_per_minute=None))
    session = _session(token)
    api = server.api_url
    repo = f"{api}/repos/bench/svc"
    session.put(f"{repo}/environments/prod", json={"wait_timer": 0}, timeout=10)
    sealed = _sealed(session, repo)
    counter = iter(range(10**9))
    cases: list[tuple[str, Callable[[], requests.Response]]] = [
        ("GET /user", lambda: session.get(f"{api}/user", timeout=10)),
        ("GET /repos/{o}/{r}", lambda: session.get(repo, timeout=10)),
        ("GET /orgs/{o}", lambda: session.get(f"{api}/orgs/bench", timeout=10)),
        ("GET .../branches/main", lambda: session.get(f"{repo}/branches/main", timeout=10)),
        ("GET .../actions/variables", lambda: session.get(f"{repo}/actions/variables", timeout=10)),
        (
            "POST .../actions/variables",
            lambda: session.post(
                f"{repo}/actions/variables", json={"name": f"V{next(counter)}", "value": "x"}, timeout=10
            ),
        ),
        ("PUT .../actions/secrets/{s}", lambda: session.put(f"{repo}/actions/secrets/S", json=sealed, timeout=10)),
        (
            "PUT .../environments/{e}",
            lambda: session.put(f"{repo}/environments/prod", json={"wait_timer": 1}, timeout=10),
        ),
        ("GET .../actions/workflows", lambda: session.get(f"{repo}/actions/workflows", timeout=10)),
        ("GET /rate_limit", lambda: session.get(f"{api}/rate_limit", timeout=10)),
    ]
    results = []
    for name, call in cases:
        call()  # warm up
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            response = call()
            samples.append(time.perf_counter() - started)
            if response.status_code >= 400:
                raise RuntimeError(f"{name} answered {response.status_code}: {response.text[:200]}")
        results.append((name, *_ms(samples)))
    return results


def concurrency(server: ForgeServer, clients: int, calls_each: int) -> tuple[int, int, float, list[float]]:
    admin = server.admin
    tokens = [admin.create_user(f"client{i}") for i in range(clients)]
    admin.create_org("load", owners=["client0"], members=[f"client{i}" for i in range(1, clients)])
    admin.create_repo("load", "shared")
    errors: list[str] = []
    samples: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def run(index: int) -> None:
        session = _session(tokens[index])
        api = server.api_url
        barrier.wait()
        for n in range(calls_each):
            started = time.perf_counter()
            try:
                if n % 5 == 4:
                    response = session.post(f"{api}/orgs/load/repos", json={"name": f"r{index}-{n}"}, timeout=30)
                else:
                    response = session.get(f"{api}/repos/load/shared", timeout=30)
                ok = response.status_code < 400
            except requests.RequestException as error:
                ok, response = False, None
                with lock:
                    errors.append(type(error).__name__)
            with lock:
                samples.append(time.perf_counter() - started)
                if not ok and response is not None:
                    errors.append(str(response.status_code))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return clients * calls_each, len(errors), elapsed, samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m platform_cli.local.forge.bench", description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls per REST endpoint for latency")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--calls-per-client", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="forge-bench-") as background_state:
        started = time.perf_counter()
        handle = start_background(Path(background_state))
        background_ms = (time.perf_counter() - started) * 1000
        stop(handle)
    print(f"forge start-up (background process, until it answers): {background_ms:.0f} ms")
    with tempfile.TemporaryDirectory(prefix="forge-bench-") as state:
        started = time.perf_counter()
        server = ForgeServer(Path(state)).start()
        startup_ms = (time.perf_counter() - started) * 1000
        try:
            print(f"forge start-up (in-process): {startup_ms:.1f} ms")
            print(f"\nREST latency, injection off, {args.calls} calls each (median / p95, ms):")
            results = latency(server, args.calls)
            for name, median, p95 in results:
                print(f"  {name:<32} {median:6.2f}  {p95:6.2f}")
            overall = statistics.median(m for _, m, _ in results)
            verdict = "OK" if overall <= TARGET_MEDIAN_MS else "ABOVE TARGET"
            print(f"  median of medians: {overall:.2f} ms (target <= {TARGET_MEDIAN_MS:.0f} ms): {verdict}")
            total, errors, elapsed, samples = concurrency(server, args.clients, args.calls_per_client)
            median, p95 = _ms(samples)
            print(
                f"\n{args.clients} concurrent clients, {total} calls (1 in 5 creates a repo): {errors} errors, "
                f"{total / elapsed:.0f} calls/s, median {median:.1f} ms, p95 {p95:.1f} ms"
            )
        finally:
            server.stop()
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
