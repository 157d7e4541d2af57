"""Security of the web layer: headers (CSP), CSRF tokens for form posts, a per-client rate limit.

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
import os
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import VagvisareError

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
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
            raise CsrfError("This form was sent from another site.", hint="Use the form on this site.")
        cookie = request.cookies.get(CSRF_COOKIE)
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not (self.valid(cookie) and sent and hmac.compare_digest(str(cookie), sent)):
            raise CsrfError("The form has expired or was not sent from this site.",
                            hint="Reload the page and send it again.")


def set_csrf_cookie(response: object, token: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure,  # type: ignore[attr-defined]
                        max_age=60 * 60 * 24 * 30, path="/")


class RateLimiter:
    """Fixed one-minute windows per client address; ``limit = 0`` turns it off (per process)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        if self.limit <= 0:
            return
        minute = int(time.monotonic() // 60)
        with self._lock:
            if len(self._windows) > 10_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == minute}
            window, count = self._windows.get(client, (minute, 0))
            if window != minute:
                window, count = minute, 0
            if count >= self.limit:
                raise RateLimitError(f"More than {self.limit} questions a minute from this client.",
                                     hint="Wait a minute and try again.")
            self._windows[client] = (window, count + 1)


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
