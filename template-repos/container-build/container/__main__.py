"""``python -m container train|serve``: the image's entry point (SageMaker passes the argument)."""

from __future__ import annotations

import sys

USAGE = "usage: python -m container train|serve (SageMaker passes train to training jobs, serve to endpoints)"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("train", "serve"):
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == "train":
        from container.train import main as train

        return train()
    from container.serve import main as serve

    return serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
