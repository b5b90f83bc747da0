"""Entry point of the local AWS server: moto's own server with the platform's extensions, its IAM evaluator and
the SDK attempt ledger (platform_cli/local/sdk_retries.py) registered first.

Run as ``python -m platform_cli.local.moto_main -H 127.0.0.1 -p PORT``; every argument goes to moto.
"""

from __future__ import annotations

import itertools
import os
import sys

from moto import server

from platform_cli.local.iam.hook import install as install_iam
from platform_cli.local.lambda_runtime import ENDPOINT_VARIABLE
from platform_cli.local.moto_ext import register_all
from platform_cli.local.sdk_retries import install as install_attempt_ledger


def _own_endpoint(argv: list[str]) -> str:
    """``http://<host>:<port>`` from moto's ``-H``/``-p`` arguments: what functions run by local AWS call back."""
    host, port = "127.0.0.1", "5000"
    for flag, value in itertools.pairwise(argv):
        if flag in ("-H", "--host"):
            host = value
        elif flag in ("-p", "--port"):
            port = value
    return f"http://{host}:{port}"


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    os.environ.setdefault(ENDPOINT_VARIABLE, _own_endpoint(args))
    register_all()
    install_iam()  # every request authorised as IAM would (strict) or logged (permissive): MLOPS_LOCAL_IAM
    install_attempt_ledger()  # an SDK retry of a call already served is answered, not executed again
    server.main(args)


if __name__ == "__main__":
    main()
