"""The root of every expected error the platform raises.

An expected error is one the user can fix: bad input, a missing file, a refused credential. Its message is one
line that names what is wrong and how to fix it. The CLI prints it without a traceback and exits 1; the Lambdas
put it in the CloudFormation reason. It never carries a secret.
"""

from __future__ import annotations


class PlatformError(Exception):
    """An error the user can act on; ``str(error)`` is a single line."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        # Collapse to one line: a reason that spans lines is cut by CloudFormation and hard to grep in logs.
        super().__init__(" ".join(message.split()))


class ConfigError(PlatformError):
    """``platform.yaml`` is missing or invalid."""
