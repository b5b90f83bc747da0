"""Denials in each protocol's error shape, as AWS answers them (HTTP 403).

query (IAM, STS, CloudFormation, …): ``<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>…``;
ec2: ``<Response><Errors><Error><Code>UnauthorizedOperation</Code>…``; json / rest-json (KMS, Lambda, SageMaker,
Secrets Manager, …): ``{"__type": "AccessDeniedException", "message": …}``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.exceptions import HTTPException


class AccessDenied(HTTPException):
    """A 403 whose body and headers are the service's own AccessDenied shape."""

    code = 403

    def __init__(self, body: str, content_type: str, error_type: str) -> None:
        super().__init__(description=body)
        self._content_type = content_type
        self.error_type = error_type

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", self._content_type), ("X-Amzn-ErrorType", self.error_type)]

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self.description or ""


def access_denied(protocol: str, service: str, message: str) -> AccessDenied:
    """The AccessDenied answer of a service speaking ``protocol`` (botocore's protocol names)."""
    request_id = str(uuid.uuid4())
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": "AccessDeniedException", "message": message, "Message": message})
        return AccessDenied(body, "application/x-amz-json-1.1", "AccessDeniedException")
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code>'
            f"<Message>You are not authorized to perform this operation. {escape(message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return AccessDenied(body, "text/xml", "UnauthorizedOperation")
    body = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return AccessDenied(body, "text/xml", "AccessDenied")


def query_error(code: str, message: str, status: int) -> AccessDenied:
    """An error of a query-protocol service (STS) with any code: ``InvalidIdentityToken``, ``ExpiredTokenException``."""
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    error = AccessDenied(body, "text/xml", code)
    error.code = status
    return error
