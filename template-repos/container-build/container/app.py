"""The inference web application (WSGI): ``GET /ping`` and ``POST /invocations``, as SageMaker hosting calls them.

``/invocations`` takes ``text/csv`` (one row of features per line; answers one probability per line) or
``application/json`` (``{"instances": [[...], ...]}``; answers ``{"predictions": [...]}``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from container import model

StartResponse = Callable[..., Any]
MAX_BODY_BYTES = 6 * 1024 * 1024  # SageMaker's real-time payload limit


class Application:
    def __init__(self, fitted: Any) -> None:
        self.model = fitted
        self.n_features = int(fitted.n_features_in_)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/ping" and method == "GET":
            return _answer(start_response, "200 OK", "text/plain", b"")
        if path == "/invocations" and method == "POST":
            return self.invocations(environ, start_response)
        return _answer(
            start_response, "404 Not Found", "text/plain", b"not found: use GET /ping or POST /invocations\n"
        )

    def invocations(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return _answer(start_response, "413 Payload Too Large", "text/plain", b"request body over 6 MB\n")
        body = environ["wsgi.input"].read(length) if length else b""
        content_type = (environ.get("CONTENT_TYPE") or "text/csv").split(";")[0].strip().lower()
        try:
            if content_type == "text/csv":
                rows = model.parse_csv(body, self.n_features)
                scores = model.predict(self.model, rows)
                return _answer(start_response, "200 OK", "text/csv", "".join(f"{s:.6f}\n" for s in scores).encode())
            if content_type == "application/json":
                instances = json.loads(body or b"{}").get("instances")
                if not isinstance(instances, list) or not instances:
                    raise ValueError('send {"instances": [[feature, ...], ...]}')
                rows = model.parse_csv("\n".join(",".join(map(str, r)) for r in instances).encode(), self.n_features)
                predictions = [round(float(s), 6) for s in model.predict(self.model, rows)]
                return _answer(
                    start_response, "200 OK", "application/json", json.dumps({"predictions": predictions}).encode()
                )
        except (ValueError, UnicodeDecodeError, AttributeError) as error:
            return _answer(start_response, "400 Bad Request", "text/plain", f"{error}\n".encode())
        message = f"unsupported content type {content_type!r}: send text/csv or application/json\n"
        return _answer(start_response, "415 Unsupported Media Type", "text/plain", message.encode())


def _answer(start_response: StartResponse, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
