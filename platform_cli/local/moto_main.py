"""Entry point of the local AWS server: moto's own server with the platform's extensions and its IAM evaluator
registered first.

Run as ``python -m platform_cli.local.moto_main -H 127.0.0.1 -p PORT``; every argument goes to moto.
"""

from __future__ import annotations

import sys

from moto import server

from platform_cli.local.iam.hook import install as install_iam
from platform_cli.local.moto_ext import register_all


def main(argv: list[str] | None = None) -> None:
    register_all()
    install_iam()  # every request authorised as IAM would (strict) or logged (permissive): MLOPS_LOCAL_IAM
    server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
