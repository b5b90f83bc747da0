"""Structured JSON logs for the Lambdas, with the request id on every line and secrets redacted.

A small equivalent of Powertools' Logger (kept in-house so the handler imports fast and the zip stays small):
one JSON object per line (``timestamp``, ``level``, ``logger``, ``message``, ``request_id`` and any ``extra``
fields), written to stdout where Lambda ships it to CloudWatch. ``Redactor`` removes registered secret values
and anything shaped like a GitHub token or a private key from every message, argument and extra field.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from typing import Any

_TOKEN_SHAPES = re.compile(
    r"(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----|"
    r"(?i:bearer|token)\s+[A-Za-z0-9_.\-]{20,})",
    re.DOTALL,
)
MASK = "***"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class Redactor:
    """Removes secrets from text: registered values, and token/key shapes."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def register(self, *values: str | None) -> None:
        with self._lock:
            for value in values:
                if value and len(value) >= 6:
                    self._values.add(value)
                    # A PEM key also appears with escaped newlines inside JSON.
                    self._values.add(value.replace("\n", "\\n"))

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        return _TOKEN_SHAPES.sub(MASK, text)


REDACTOR = Redactor()


class _Context(threading.local):
    request_id: str | None = None


_context = _Context()


def set_request_id(request_id: str | None) -> None:
    _context.request_id = request_id


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.service = service
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _context.request_id,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception_type"] = record.exc_info[0].__name__
            entry["exception"] = self.formatException(record.exc_info)
        return self.redactor(json.dumps(entry, default=str, sort_keys=False))


_configured: set[str] = set()


def configure(service: str, level: int = logging.INFO, stream: Any = None) -> logging.Logger:
    """Send every log record (ours and libraries') as redacted JSON to ``stream`` (stdout); idempotent."""
    root = logging.getLogger()
    handler_name = f"mlops-json-{service}"
    if handler_name not in _configured or stream is not None:
        for handler in list(root.handlers):
            if getattr(handler, "name", None) and str(handler.name).startswith("mlops-json-"):
                root.removeHandler(handler)
        handler = logging.StreamHandler(stream or sys.stdout)
        handler.name = handler_name
        handler.setFormatter(JsonFormatter(service))
        root.addHandler(handler)
        _configured.add(handler_name)
    root.setLevel(level)
    # PyGithub logs request bodies at DEBUG; never let them through.
    logging.getLogger("github").setLevel(logging.WARNING)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return logging.getLogger(f"platform_cli.lambdas.{service}")


def reset() -> None:
    """Remove the JSON handlers (tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if str(getattr(handler, "name", "") or "").startswith("mlops-json-"):
            root.removeHandler(handler)
    _configured.clear()
