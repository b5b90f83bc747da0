"""Build PyGithub clients: PAT or GitHub App installation token, github.com or GHES ``api_url``, with the
platform's retry policy, write pacing and per-request timeout. Clients are built by callers, never at import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github import Auth, Github
from github.Requester import Requester, WithRequester

from platform_cli.github.budget import WriteBudget, is_write
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.github.retry import primary_limit_reset, retry_policy

USER_AGENT = "mlops-platform"


@dataclass(frozen=True)
class ClientPolicy:
    """How politely and patiently the client talks to GitHub.

    GitHub asks integrators to stay within its secondary rate limits. With a shared ``WriteBudget`` (see
    ``budget.py``) passed to ``build_client``, writes are admitted by the budget; without one,
    ``seconds_between_writes`` paces this client alone (about one write a second). ``timeout`` bounds each HTTP
    request.
    """

    timeout: float = 10.0
    seconds_between_requests: float = 0.0
    seconds_between_writes: float = 1.0
    # Enough attempts to outlast contention under the secondary limit; the deadline is the real bound.
    retries: int = 20
    # An unreachable GitHub (refused, no route, DNS, proxy down, connect timeout) is not contention: give up after
    # this many retries (about a second of backoff), so a command fails in seconds with the cause, not minutes.
    connect_retries: int = 2
    # A connection dropped, or an answer not read within ``timeout``: a flaky network, worth a few more tries.
    read_retries: int = 5
    backoff_factor: float = 0.5
    secondary_rate_wait: float = 60.0
    max_wait: float = 60.0


FAST_POLICY = ClientPolicy(seconds_between_writes=0.0, backoff_factor=0.05, secondary_rate_wait=1.0)


def build_auth(credentials: GitHubCredentials) -> Auth.Auth:
    if credentials.kind == "pat":
        assert credentials.token is not None
        return Auth.Token(credentials.token.reveal())
    assert credentials.private_key is not None and credentials.app_id is not None
    assert credentials.installation_id is not None
    app = Auth.AppAuth(credentials.app_id, credentials.private_key.reveal())
    return app.get_installation_auth(credentials.installation_id)


class DeadlineGuard(Auth.Auth, WithRequester["DeadlineGuard"]):
    """Wraps a client's authentication, which PyGithub applies before every request: once the deadline has
    passed (or was cancelled because CloudFormation was already answered) no further request, and so no write,
    leaves the process."""

    def __init__(self, inner: Auth.Auth, deadline: Deadline) -> None:
        super().__init__()
        self._inner = inner
        self._deadline = deadline

    @property
    def token_type(self) -> str:
        return self._inner.token_type

    @property
    def token(self) -> str:
        return self._inner.token

    def withRequester(self, requester: Requester) -> DeadlineGuard:  # noqa: N802 (PyGithub's name)
        super().withRequester(requester)
        if isinstance(self._inner, WithRequester):
            self._inner.withRequester(requester)
        return self

    def authentication(self, headers: dict[str, Any]) -> None:
        self._deadline.check("calling GitHub")
        self._inner.authentication(headers)

    def mask_authentication(self, headers: dict[str, Any]) -> None:
        self._inner.mask_authentication(headers)


def build_client(
    credentials: GitHubCredentials,
    api_url: str = "https://api.github.com",
    deadline: Deadline | None = None,
    policy: ClientPolicy = ClientPolicy(),
    auth: Auth.Auth | None = None,
    budget: WriteBudget | None = None,
) -> Github:
    """A ``Github`` client for ``api_url`` (``https://api.github.com`` or ``https://HOST/api/v3``).

    Pass ``auth`` (from ``build_auth``) to reuse an App installation token across clients (the Lambda caches it
    across invocations; PyGithub refreshes it before it expires). Pass ``budget`` to share GitHub's write budget
    with every other client of the same credential (each write, first attempt or retry, is admitted by it).
    """
    timeout = policy.timeout
    chosen = auth or build_auth(credentials)
    if deadline is not None:
        timeout = max(min(timeout, deadline.remaining()), 1.0)
        chosen = DeadlineGuard(chosen, deadline)
    github = Github(
        auth=chosen,
        base_url=api_url.rstrip("/"),
        timeout=int(max(timeout, 1)),
        user_agent=USER_AGENT,
        per_page=100,
        retry=retry_policy(
            deadline,
            total=policy.retries,
            connect=policy.connect_retries,
            read=policy.read_retries,
            backoff_factor=policy.backoff_factor,
            secondary_rate_wait=policy.secondary_rate_wait,
            max_wait=policy.max_wait,
            budget=budget,
        ),
        seconds_between_requests=policy.seconds_between_requests or None,
        seconds_between_writes=None if budget is not None else (policy.seconds_between_writes or None),
    )
    if budget is not None:
        _admit_writes(github, budget, deadline)
    return github


# PyGithub builds its connection lazily through ``Requester.__connectionClass`` (the class its own test hook,
# ``injectConnectionClasses``, sets process-wide); this client's requester gets a factory wrapping that class,
# so only this client's writes wait for the budget.
_CONNECTION_CLASS = "_Requester__connectionClass"


def _admit_writes(github: Github, budget: WriteBudget, deadline: Deadline | None) -> None:
    requester = github.requester
    base = getattr(requester, _CONNECTION_CLASS, None)
    if base is None:
        raise RuntimeError("this PyGithub version has no Requester connection class to wrap; pin PyGithub 2.x")

    def connection(*args: Any, **kwargs: Any) -> Any:
        inner = base(*args, **kwargs)
        request = inner.request

        def admitted(verb: str, url: str, *rest: Any, **more: Any) -> Any:
            budget.hold_request(deadline)  # nothing, reads included, while the hourly request limit is used up
            if is_write(verb):
                budget.acquire(deadline, f"waiting for GitHub's write budget ({verb} {url.split('?', 1)[0]})")
            return request(verb, url, *rest, **more)

        def answered(*rest: Any, **more: Any) -> Any:
            try:
                answer = response(*rest, **more)
            finally:
                budget.settle()  # the write (and any retry) reached GitHub by now
            reset = primary_limit_reset(answer)  # a 429 without Retry-After is not retried: seen only here
            if reset is not None:
                budget.halt_until(reset)
            return answer

        response = inner.getresponse
        inner.request = admitted
        inner.getresponse = answered
        return inner

    setattr(requester, _CONNECTION_CLASS, connection)
