"""Entry point of the local AWS server: moto's own server with the platform's extensions registered first.

Run as ``python -m platform_cli.local.moto_main -H 127.0.0.1 -p PORT``; every argument goes to moto.
"""

from __future__ import annotations

import sys

from moto import server

from platform_cli.local.moto_ext import register_all


def main(argv: list[str] | None = None) -> None:
    register_all()
    server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
