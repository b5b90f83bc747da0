"""The forge as one WSGI application: REST under ``/api/v3``, git smart HTTP, the admin API under ``/_forge``.

Every REST call goes through the same steps: fault injection (latency, dropped connection, 5xx), authentication,
the primary rate limit, the secondary limit for content-creating calls, then the route's handler under the
store's lock; the answer gets GitHub's headers. Mutating calls that succeed are saved before answering.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import logging
import secrets
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from platform_cli.local.forge import gitrepo
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response
from platform_cli.local.forge.faults import ANONYMOUS_LIMIT, Faults, Injector, RateLimiter
from platform_cli.local.forge.oidc import OidcIssuer
from platform_cli.local.forge.store import Record, Store

log = logging.getLogger(__name__)
API_PREFIX = "/api/v3"
ADMIN_PREFIX = "/_forge"
ADMIN_TOKEN_FILE = "admin-token"
EXPOSED_HEADERS = (
    "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, "
    "X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, "
    "X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"
)
ERROR_REASONS = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
OIDC_PATHS = frozenset({"/.well-known/jwks", "/.well-known/openid-configuration"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def build_router() -> Router:
    from platform_cli.local.forge.routes import ALL_MODULES

    router = Router()
    for module in ALL_MODULES:
        module.register(router)
    return router


class Forge:
    """State, faults, limits and routes of one forge; callable as a WSGI app."""

    def __init__(self, state_dir: Path, faults: Faults | None = None) -> None:
        self.state_dir = state_dir
        self.store = Store(state_dir)
        self.injector = Injector(faults)
        self.limiter = RateLimiter()
        self.router = build_router()
        token_file = state_dir / ADMIN_TOKEN_FILE
        if not token_file.exists():
            token_file.write_text(secrets.token_hex(20))
            token_file.chmod(0o600)
        self.admin_token = token_file.read_text().strip()

    @functools.cached_property
    def oidc(self) -> OidcIssuer:
        """The GitHub Actions OIDC issuer the forge plays (its signing key lives in the state dir)."""
        return OidcIssuer(self.state_dir)

    @property
    def faults(self) -> Faults:
        return self.injector.faults

    # --- generated repos appear after a delay --------------------------------------------------------------

    def settle_generation(self, repo: Record) -> None:
        """Publish a generated repo's content once its delay has passed (GitHub generates asynchronously)."""
        pending = repo.get("generation")
        if not pending or time.time() < pending["ready_at"]:
            return
        with self.store.lock:
            if not repo.get("generation"):
                return
            path = self.store.repo_path(repo)
            for ref, sha in pending["refs"].items():
                gitrepo.update_ref(path, ref, sha)
                gitrepo.update_ref(path, gitrepo.HIDDEN_PREFIX + "generated/" + ref.removeprefix("refs/heads/"), None)
            repo["generation"] = None
            self.store.save()

    # --- WSGI ----------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        path = request.path
        if path.startswith(API_PREFIX + "/") or path == API_PREFIX:
            response = self.api_call(request, environ)
        elif path in OIDC_PATHS:
            response = json_response(self.oidc.jwks() if path.endswith("/jwks") else self.oidc.discovery())
        elif path.startswith(ADMIN_PREFIX + "/"):
            from platform_cli.local.forge.admin import handle_admin

            response = handle_admin(self, request)
        elif ".git/" in path or path.endswith(".git"):
            from platform_cli.local.forge.githttp import handle_git

            response = handle_git(self, request, environ)
        else:
            response = json_response({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, 404)
        return response(environ, start_response)

    def api_call(self, request: Request, environ: dict[str, Any]) -> Response:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path
        path = raw.split("?", 1)[0][len(API_PREFIX) :] or "/"
        decision = self.injector.decide(path)
        if decision.delay_s:
            time.sleep(decision.delay_s)
        if decision.drop:
            _drop(environ)
            return Response(status=500)
        host = request.host_url.rstrip("/")
        ctx = Ctx(request=request, forge=self, api=host + API_PREFIX, web=host)
        request_id = uuid.uuid4().hex[:20].upper()
        late = self.faults.errors_after_write
        try:
            if decision.error_status is not None and not late:
                raise ApiError(decision.error_status, ERROR_REASONS.get(decision.error_status, "Server Error"))
            self.authenticate(ctx)
            identity = self.apply_rate_limits(ctx, path)
            handler, params = self.router.match(request.method, path)
            with self.store.lock:
                response = handler(ctx, **params)
                if request.method in WRITE_METHODS and response.status_code < 400:
                    self.store.save()
            written = request.method in WRITE_METHODS and response.status_code < 400
            if late and decision.error_status is not None and written:  # the write is made; its answer is lost
                raise ApiError(decision.error_status, ERROR_REASONS.get(decision.error_status, "Server Error"))
            if _conditional(request, response):
                # GitHub does not charge a conditional request answered 304 against the primary limit.
                self.limiter.refund(identity, self.faults.primary_window_s)
                ctx.extra_headers.update(self._rate_headers_after_refund(ctx, identity))
        except ApiError as error:
            response = json_response(error.body(), error.status, error.headers)
        except Exception:
            log.exception("forge: unhandled error on %s %s", request.method, path)
            response = json_response(
                {"message": "Server Error", "documentation_url": "https://docs.github.com/rest"}, 500
            )
        headers = response.headers
        headers["X-GitHub-Media-Type"] = "github.v3; format=json"
        headers["X-GitHub-Request-Id"] = request_id
        headers["Server"] = "forge"
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        for key, value in ctx.extra_headers.items():
            headers.setdefault(key, value)
        if ctx.token is not None and ctx.token.get("scopes") is not None:
            headers["X-OAuth-Scopes"] = ", ".join(ctx.token["scopes"])
        return response

    def _rate_headers_after_refund(self, ctx: Ctx, identity: str) -> dict[str, str]:
        limit = int(ctx.extra_headers.get("X-RateLimit-Limit", self.faults.primary_limit))
        limit, used, reset = self.limiter.peek(identity, limit, self.faults.primary_window_s)
        return _rate_headers(limit, used, reset)

    def apply_rate_limits(self, ctx: Ctx, path: str) -> str:
        """Spend one request of the caller's primary budget (``/rate_limit`` is free) and, for content-creating
        calls, check the secondary limit; sets the ``X-RateLimit-*`` headers; raises GitHub's 403/429. Returns the
        identity the budget belongs to."""
        request = ctx.request
        identity = ctx.user["login"].lower() if ctx.user else f"ip:{request.remote_addr}"
        if ctx.token is not None and ctx.token.get("installation_id") is not None:
            identity = f"installation:{ctx.token['installation_id']}"
        faults = self.faults
        limit = faults.primary_limit if ctx.user or ctx.token else ANONYMOUS_LIMIT
        if path.rstrip("/") == "/rate_limit":
            _, used, reset = self.limiter.peek(identity, limit, faults.primary_window_s)
            allowed = True
        else:
            allowed, used, reset = self.limiter.spend(identity, limit, faults.primary_window_s)
        ctx.extra_headers.update(_rate_headers(limit, used, reset))
        if not allowed:
            raise ApiError(
                403,
                f"API rate limit exceeded for {identity}.",
                doc="https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            )
        per_minute = faults.secondary_per_minute
        if request.method in WRITE_METHODS and per_minute is not None and not self.limiter.write(identity, per_minute):
            raise ApiError(
                faults.secondary_status,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                doc="https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
                headers={"Retry-After": str(faults.secondary_retry_after_s)},
            )
        return identity

    def authenticate(self, ctx: Ctx) -> None:
        header = ctx.request.headers.get("Authorization", "")
        if not header:
            return
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        value = value.strip()
        if scheme == "basic":
            try:
                value = base64.b64decode(value).decode().partition(":")[2]
            except ValueError as error:
                raise ApiError(401, "Bad credentials") from error
        elif scheme not in ("token", "bearer"):
            raise ApiError(401, "Bad credentials")
        if scheme == "bearer" and value.count(".") == 2:
            from platform_cli.local.forge.routes.apps import authenticate_app

            ctx.token = authenticate_app(self.store, value)
            return
        record = self.lookup_token(value)
        if record is None:
            raise ApiError(401, "Bad credentials")
        ctx.token = record
        if record.get("login"):
            ctx.user = self.store.user(record["login"])

    def lookup_token(self, value: str) -> Record | None:
        with self.store.lock:
            record: Record | None = self.store.data["tokens"].get(value)
            if record is None:
                return None
            expires = record.get("expires_epoch")
            if expires is not None and time.time() >= expires:
                return None
            return record

    def check_admin(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header.partition(" ")[2].strip()
        return bool(given) and hmac.compare_digest(given, self.admin_token)


def _conditional(request: Request, response: Response) -> bool:
    """Give a 200 JSON answer its ETag; turn it into ``304 Not Modified`` when the client's ``If-None-Match``
    names it. Returns whether it did."""
    if response.status_code != 200 or not response.content_type.startswith("application/json"):
        return False
    etag = f'W/"{hashlib.sha256(response.get_data()).hexdigest()}"'
    response.headers["ETag"] = etag
    wanted = request.headers.get("If-None-Match", "")
    if request.method != "GET" or etag not in [tag.strip() for tag in wanted.split(",")]:
        return False
    response.status_code = 304
    response.set_data(b"")
    del response.headers["Content-Type"]
    return True


def _rate_headers(limit: int, used: int, reset: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, limit - used)),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Used": str(used),
        "X-RateLimit-Resource": "core",
    }


def _drop(environ: dict[str, Any]) -> None:
    """Close the client's connection without an answer (a dropped connection, as a client sees it)."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
