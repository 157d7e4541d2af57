"""Security of the web layer: headers (CSP), CSRF tokens for form posts, a per-client rate limit,
the admin token.

CSRF is a signed double-submit token: the ``vv_csrf`` cookie holds ``<random>.<hmac>``,
and every form post must carry the same value in the ``csrf`` field or the ``X-CSRF-Token``
header (our own ``app.js`` adds the header for htmx from a ``<meta>`` tag). A cookie that
was not signed with this server's secret is refused, so a cookie planted by a sibling
domain cannot be used. JSON API posts need ``Content-Type: application/json``, which a
cross-site form cannot send without a CORS preflight this app never grants.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import ConfigError, VagvisareError
from core.settings import Settings

CSRF_COOKIE = "vv_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


class CsrfError(VagvisareError):
    """A form post without a valid CSRF token (expired page, or a cross-site post)."""

    status_code = 403


class RateLimitError(VagvisareError):
    status_code = 429

    def __init__(self, message: str, *, hint: str | None = None, retry_after: int = 60) -> None:
        super().__init__(message, hint=hint, code="rate_limited", details={"seconds": max(1, retry_after)})
        self.headers = {"Retry-After": str(max(1, retry_after))}


class UnsupportedMediaError(VagvisareError):
    status_code = 415


def load_secret(data_dir: Path) -> bytes:
    """The server's signing secret: made once, kept beside the conversations (shared by workers)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "web-secret.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            data = path.read_bytes()
            if len(data) == 32:
                return data
            time.sleep(0.02)
        raise VagvisareError(f"{path} is damaged.", hint="Delete it; a new one is made at the next "
                                                         "start.") from None
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as f:
        f.write(secret)
    return secret


class Csrf:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def new_token(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, token: str | None) -> bool:
        if not token or token.count(".") != 1:
            return False
        nonce, sig = token.split(".")
        return hmac.compare_digest(sig, self._sign(nonce))

    def token_for(self, request: Request) -> tuple[str, bool]:
        """The request's token, and whether it is new (and so must be set as a cookie)."""
        cookie = request.cookies.get(CSRF_COOKIE)
        if self.valid(cookie):
            return str(cookie), False
        return self.new_token(), True

    async def verify(self, request: Request) -> None:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        self.check(request, sent)

    def check(self, request: Request, sent: str | None) -> None:
        """The post's token (``sent``: the header's, else the form field's) against the cookie."""
        sent = request.headers.get(CSRF_HEADER) or sent
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
            raise CsrfError("This form was sent from another site.", hint="Use the form on this site.")
        cookie = request.cookies.get(CSRF_COOKIE)
        if not (self.valid(cookie) and sent and hmac.compare_digest(str(cookie), sent)):
            raise CsrfError("The form has expired or was not sent from this site.",
                            hint="Reload the page and send it again.")


def set_csrf_cookie(response: object, token: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure,  # type: ignore[attr-defined]
                        max_age=60 * 60 * 24 * 30, path="/")


class RateLimiter:
    """``limit`` requests a minute per client address, as a token bucket (GCRA); ``limit = 0`` turns it off.

    A client may send ``limit`` requests at once, then one every ``60 / limit`` seconds. A refused
    request says when the next one will be accepted (``Retry-After``). The state is in memory, per
    process: with ``--workers N`` each worker keeps its own buckets, so a client gets up to N times
    the limit (the workers do not share a counter, and need not for a limit against abuse).
    """

    MAX_CLIENTS = 10_000  # beyond this, clients whose bucket is full again are forgotten

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._ready_at: dict[str, float] = {}  # when the client's bucket is full again (its "TAT")
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        if self.limit <= 0:
            return
        interval = 60.0 / self.limit
        now = self.clock()
        with self._lock:
            if len(self._ready_at) > self.MAX_CLIENTS:
                self._ready_at = {k: t for k, t in self._ready_at.items() if t > now}
            ready_at = max(self._ready_at.get(client, now), now) + interval
            if ready_at - now > 60.0:
                wait = math.ceil(ready_at - now - 60.0)
                raise RateLimitError(f"More than {self.limit} requests a minute from this client.",
                                     hint=f"Wait {wait} s and try again.", retry_after=wait)
            self._ready_at[client] = ready_at


WEAK_TOKENS = frozenset({"changeme", "change-me", "change_me", "admin", "secret", "password", "token",
                         "default", "test", "vagvisare", "admin-token", "xxx", "12345678"})
MIN_TOKEN_CHARS = 16


def admin_token_problem(token: str) -> str | None:
    """Why ``token`` cannot guard the admin endpoints of a production server, or None if it can."""
    if not token.strip():
        return "VAGVISARE_ADMIN_TOKEN is not set"
    if token.strip().lower() in WEAK_TOKENS:
        return f"VAGVISARE_ADMIN_TOKEN is a well-known default ({token!r})"
    if len(token) < MIN_TOKEN_CHARS:
        return f"VAGVISARE_ADMIN_TOKEN is shorter than {MIN_TOKEN_CHARS} characters"
    return None


def check_admin_token(settings: Settings) -> None:
    """Refuse to serve in production with an empty or guessable admin token (development mode may)."""
    problem = admin_token_problem(settings.admin_token)
    if problem and not settings.dev_mode:
        raise ConfigError(
            f"{problem}; the server will not start without a real admin token.",
            hint="Make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'` and set "
                 "VAGVISARE_ADMIN_TOKEN to it (or VAGVISARE_DEV_MODE=1 on a development machine).")


class AdminAuthError(VagvisareError):
    """An admin request without the right bearer token."""

    status_code = 401
    headers = {"WWW-Authenticate": "Bearer"}


class AdminDisabledError(VagvisareError):
    status_code = 403


def verify_admin(settings: Settings, authorization: str | None) -> None:
    """Bearer-token check for the admin endpoints, in constant time."""
    if not settings.admin_token:
        raise AdminDisabledError("The admin endpoints are off: no admin token is set.",
                                 hint="Set VAGVISARE_ADMIN_TOKEN and restart the server.")
    scheme, _, sent = (authorization or "").partition(" ")
    expected = settings.admin_token.encode()
    if not (scheme.lower() == "bearer"
            and hmac.compare_digest(sent.strip().encode("utf-8", "replace"), expected)):
        raise AdminAuthError("This needs the admin token.",
                             hint="Send `Authorization: Bearer <VAGVISARE_ADMIN_TOKEN>`.")


class SecurityHeaders:
    """Adds CSP and the usual headers to every response; static files may be cached, pages not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("cache-control", "public, max-age=3600" if static else "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes with 413, before it is read into memory.

    A declared ``Content-Length`` over the limit is answered at once; a body without one (chunked)
    is counted as it arrives and refused when it passes the limit. ``respond`` renders the error
    the way the rest of the app does (JSON for the API, a page for a browser).
    """

    def __init__(self, app: ASGIApp, limit: int, respond: Callable[[Request], Any]) -> None:
        self.app = app
        self.limit = limit
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            response = self.respond(Request(scope))
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413)  # rendered by the app's error handler
            return message

        await self.app(scope, counting_receive, send)
