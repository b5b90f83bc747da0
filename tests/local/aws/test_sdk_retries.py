"""An SDK retry of a call the local server already executed gets the first answer, not a second execution.

Seen under load: Terraform's provider retried CreatePolicy/PutRolePolicy whose first attempt the server had
executed (the IAM decision log held both attempts) and the apply failed on ``409 EntityAlreadyExists``. The proxy
below loses the first answer on its way back, as the loaded machine did, and the real SDK retries.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import botocore.config
import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.sdk_retries import AttemptLedger

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class AnswerLosingProxy:
    """Forwards each request to local AWS; the answer of the first request ``lose`` matches never comes back."""

    def __init__(self, upstream: tuple[str, int], lose: Callable[[bytes], bool]) -> None:
        self.upstream = upstream
        self.lose = lose
        self.lost = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        with conn:
            request = _read_request(conn)
            with socket.create_connection(self.upstream) as server:
                server.sendall(request)
                answer = b""
                while chunk := server.recv(65536):  # the server closes each connection after its answer
                    answer += chunk
            if self.lost == 0 and self.lose(request):
                self.lost += 1
                return  # the server executed it; the client never hears back
            conn.sendall(answer)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def losing_first_create_role(local_aws: LocalAws) -> Iterator[AnswerLosingProxy]:
    info = local_aws.info()
    proxy = AnswerLosingProxy((info.host, info.port), lambda request: b"Action=CreateRole" in request)
    yield proxy
    proxy.close()


@pytest.mark.slow
def test_a_create_retried_after_its_answer_was_lost_gets_the_first_answer(
    local_aws: LocalAws, losing_first_create_role: AnswerLosingProxy
) -> None:
    name = f"retried-{uuid.uuid4().hex[:8]}"
    config = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 3})
    iam = local_aws.session_for("dev").client("iam", endpoint_url=losing_first_create_role.url, config=config)

    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)

    assert losing_first_create_role.lost == 1, "the first answer was lost and the SDK retried"
    assert created["Role"]["RoleName"] == name
    assert created["ResponseMetadata"]["RetryAttempts"] == 1
    direct = local_aws.session_for("dev").client("iam")
    assert direct.get_role(RoleName=name)["Role"]["RoleId"] == created["Role"]["RoleId"]
    direct.delete_role(RoleName=name)


# --- the ledger on its own (no server) ----------------------------------------------------------------------------


class CountingApp:
    """A WSGI app that creates something on each call and answers with a fresh id (or ``status``)."""

    def __init__(self, status: str = "200 OK") -> None:
        self.status = status
        self.calls = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.calls += 1
        self.release.wait(5)
        start_response(self.status, [("Content-Type", "text/plain")])
        return [f"created {self.calls}".encode()]


def call(app: Any, method: str = "POST", invocation: str | None = "inv-1") -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = status

    environ: dict[str, Any] = {"REQUEST_METHOD": method}
    if invocation is not None:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
    body = b"".join(app(environ, start_response))
    return seen["status"], body


def test_a_second_attempt_of_one_invocation_is_answered_from_the_first() -> None:
    app = CountingApp()
    ledger = AttemptLedger(app)
    assert call(ledger) == ("200 OK", b"created 1")
    assert call(ledger) == ("200 OK", b"created 1")
    assert app.calls == 1 and ledger.replayed == 1


def test_calls_of_different_invocations_each_run() -> None:
    app = CountingApp()
    ledger = AttemptLedger(app)
    call(ledger, invocation="a")
    call(ledger, invocation="b")
    call(ledger, invocation=None)
    assert app.calls == 3 and ledger.replayed == 0


def test_a_failed_first_attempt_is_not_replayed_the_retry_runs() -> None:
    app = CountingApp(status="500 INTERNAL SERVER ERROR")
    ledger = AttemptLedger(app)
    call(ledger)
    call(ledger)
    assert app.calls == 2 and ledger.replayed == 0


def test_reads_are_never_kept_they_repeat_harmlessly() -> None:
    app = CountingApp()
    ledger = AttemptLedger(app)
    call(ledger, method="GET")
    assert call(ledger, method="GET") == ("200 OK", b"created 2")


def test_a_retry_arriving_while_the_first_attempt_runs_waits_for_its_answer() -> None:
    app = CountingApp()
    app.release.clear()
    ledger = AttemptLedger(app)
    first: list[tuple[str, bytes]] = []
    running = threading.Thread(target=lambda: first.append(call(ledger)))
    running.start()
    retried: list[tuple[str, bytes]] = []
    retry = threading.Thread(target=lambda: retried.append(call(ledger)))
    retry.start()
    app.release.set()
    running.join(5)
    retry.join(5)
    assert first == retried == [("200 OK", b"created 1")]
    assert app.calls == 1
