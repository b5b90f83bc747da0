"""``python -m platform_cli.local.forge -H 127.0.0.1 -p PORT --state-dir DIR``: serve until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from types import FrameType

from platform_cli.local.forge.exceptions import ForgeError
from platform_cli.local.forge.faults import Faults
from platform_cli.local.forge.server import DEFAULT_STATE_DIR, HOST, _clear_pid_file, _serve, write_pid_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m platform_cli.local.forge", description="Local GitHub-compatible forge."
    )
    parser.add_argument("-H", "--host", default=HOST, choices=[HOST], help="address to bind (loopback only)")
    parser.add_argument("-p", "--port", type=int, default=0, help="port (0: a free one)")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="metadata and bare repos live here")
    parser.add_argument(
        "--faults",
        default=None,
        help='fault injection for this run, as JSON (e.g. \'{"latency_ms": 20, "error_rate": 0.01, "seed": 1}\')',
    )
    args = parser.parse_args(argv)
    state_dir: Path = args.state_dir.resolve()
    try:
        faults = Faults.from_json(json.loads(args.faults)) if args.faults else None
    except (ValueError, TypeError, ForgeError) as error:
        parser.error(f"--faults: {error}")
    server, forge = _serve(state_dir, args.port, faults)
    write_pid_file(state_dir, int(server.server_port))

    def _terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(f"forge: serving http://{HOST}:{server.server_port}/api/v3 (state {state_dir})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        forge.store.flush()
        import os

        _clear_pid_file(state_dir, os.getpid())
    return 0


if __name__ == "__main__":
    sys.exit(main())
