"""The CloudFormation custom-resource protocol: parse the event, answer through the pre-signed S3 URL.

Why not crhelper: crhelper's timeout handling polls through a CloudWatch Events rule it creates at run time
(extra IAM permissions, extra moving parts) and its answer path is coupled to its own logging setup. The
protocol itself is tiny: this module (one PUT of a JSON document) plus the state machine in
``project_repos`` give us exactly what we need: inputs parsed inside the try, an answer guaranteed once and
only once by a timer at the Lambda's remaining time minus a margin, and reasons that are one redacted line.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from platform_cli.lambdas.jsonlog import REDACTOR

log = logging.getLogger(__name__)
Status = Literal["SUCCESS", "FAILED"]
MAX_REASON = 900  # CloudFormation shows at most ~1 KiB of the reason; keep one readable line.


@dataclass(frozen=True)
class Response:
    status: Status
    reason: str
    physical_resource_id: str
    data: dict[str, str] = field(default_factory=dict)

    def body(self, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "Status": self.status,
            "Reason": one_line(self.reason),
            "PhysicalResourceId": self.physical_resource_id,
            "StackId": event.get("StackId", ""),
            "RequestId": event.get("RequestId", ""),
            "LogicalResourceId": event.get("LogicalResourceId", ""),
            "NoEcho": False,
            "Data": self.data,
        }


def one_line(text: str) -> str:
    """Redacted, single line, bounded."""
    line = REDACTOR(" ".join(str(text).split()))
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 3] + "..."


Sender = Callable[[str, bytes], None]


def put_response(url: str, payload: bytes, timeout: float = 10.0) -> None:
    """PUT the response document to the pre-signed S3 URL (empty content type, as S3 signed it)."""
    import urllib.request  # on first answer, not at cold import

    request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's pre-signed https URL
        url, data=payload, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(payload))}
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
        reply.read()


class Answer:
    """Sends at most one response for an event (the work and the timeout timer race for it)."""

    def __init__(self, event: dict[str, Any], send: Sender = put_response) -> None:
        self.event = event
        self.send = send
        self._lock = threading.Lock()
        self.sent: Response | None = None

    def __call__(self, response: Response) -> bool:
        with self._lock:
            if self.sent is not None:
                return False
            self.sent = response
        url = self.event.get("ResponseURL")
        body = json.dumps(response.body(self.event)).encode()
        if not isinstance(url, str) or not url:
            log.error("event has no ResponseURL; cannot answer CloudFormation", extra={"status": response.status})
            return True
        for attempt in range(3):
            try:
                self.send(url, body)
                log.info(
                    "answered CloudFormation",
                    extra={"status": response.status, "physical_resource_id": response.physical_resource_id},
                )
                return True
            except Exception as error:
                log.warning("answering CloudFormation failed", extra={"attempt": attempt + 1, "error": str(error)})
        return True
