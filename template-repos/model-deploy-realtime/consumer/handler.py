"""Example consumer of the endpoint: API Gateway (REST, Lambda proxy integration) -> this function -> SageMaker.

POST /predict with `{"rows": [[feature, ...], ...]}` (raw features, `null` for a missing one) answers
`{"predictions": [probability, ...]}`, one a row. The function may only call sagemaker:InvokeEndpoint on its own
endpoint (consumer/template.yaml). Deployed by `python -m deploy.consumer` as the function's `index.py`; it needs
nothing beyond the Lambda Python runtime (boto3). The logic lives in `handle`, which takes the runtime client, so
it is tested against a local endpoint stand-in; `handler` only wires the environment.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

ENDPOINT_ENV = "ENDPOINT_NAME"
MAX_ROWS = 100

_runtime: Any = None


class BadRequest(ValueError):
    """The request body is not what POST /predict takes; the message says what to send."""


def parse_rows(body: str | None) -> list[list[float | None]]:
    try:
        data = json.loads(body or "")
    except json.JSONDecodeError:
        raise BadRequest('the body must be JSON: {"rows": [[feature, ...], ...]}') from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise BadRequest('the body must hold "rows": a non-empty list of rows of features')
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"at most {MAX_ROWS} rows a request (got {len(rows)})")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or not row:
            raise BadRequest(f"row {number} must be a non-empty list of numbers")
        for value in row:
            valid = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
            if not valid or (value is not None and not math.isfinite(value)):
                raise BadRequest(f"row {number} holds {value!r}: features are numbers, or null when missing")
    return rows


def to_csv(rows: list[list[float | None]]) -> str:
    """One CSV line a row; a missing feature is an empty field (the pipeline model's preprocessor fills it)."""
    return "".join(",".join("" if v is None else repr(float(v)) for v in row) + "\n" for row in rows)


def predict(runtime: Any, endpoint: str, rows: list[list[float | None]]) -> list[float]:
    response = runtime.invoke_endpoint(
        EndpointName=endpoint, ContentType="text/csv", Accept="text/csv", Body=to_csv(rows).encode()
    )
    text = response["Body"].read().decode()
    return [float(token) for token in text.replace(",", "\n").split()]


def _answer(status: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(payload)}


def handle(event: dict[str, Any], runtime: Any, endpoint: str) -> dict[str, Any]:
    """400 for a bad request, 502 when the endpoint refuses or answers the wrong number of predictions."""
    try:
        rows = parse_rows(event.get("body"))
    except BadRequest as exc:
        return _answer(400, {"error": str(exc)})
    try:
        predictions = predict(runtime, endpoint, rows)
    except runtime.exceptions.ModelError as exc:
        print(json.dumps({"endpoint": endpoint, "error": "ModelError", "rows": len(rows), "detail": str(exc)[:500]}))
        return _answer(502, {"error": "the model could not score these rows; check their number of features"})
    if len(predictions) != len(rows):
        return _answer(502, {"error": f"the endpoint answered {len(predictions)} predictions for {len(rows)} rows"})
    print(json.dumps({"endpoint": endpoint, "rows": len(rows)}))
    return _answer(200, {"predictions": predictions})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _runtime
    if _runtime is None:  # created on the first request, reused while the execution environment lives
        import boto3

        _runtime = boto3.client("sagemaker-runtime")
    return handle(event, _runtime, os.environ[ENDPOINT_ENV])
