"""Errors mapped once: JSON for the API, a friendly page for a browser, a fragment for htmx.

Never a stack trace. Every message says what happened and, where there is one, what to do.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.errors import IndexMismatchError, IndexMissingError, VagvisareError
from web.i18n import messages, number, say
from web.render import context, render
from web.security import CsrfError, RateLimitError

log = logging.getLogger(__name__)
_ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/openapi.json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _title_key(exc: Exception | None, status: int) -> str:
    if isinstance(exc, IndexMissingError | IndexMismatchError):
        return "no_index_title"
    if status == 404:
        return "not_found_title"
    return "error_title"


def user_message(exc: Exception | None, status: int, message: str, hint: str | None,
                 lang: str) -> tuple[str, str | None]:
    """What a page tells its user about an error, in the page's language where the error is one it knows
    (the JSON API keeps the English message and hint)."""
    code = getattr(exc, "code", "")
    details = {k: number(v, lang) if isinstance(v, int) else v for k, v in getattr(exc, "details", {}).items()}
    if isinstance(exc, CsrfError):
        return say("csrf_failed", lang), None
    if isinstance(exc, RateLimitError):
        return say("rate_limited_wait", lang, **details), None
    if code and f"error_{code}" in messages():
        return say(f"error_{code}", lang, **details), None
    if status == 413:
        return say("too_large", lang), None
    if isinstance(exc, RequestValidationError):
        return say("invalid_form", lang), None
    if status >= 500 and not isinstance(exc, IndexMissingError | IndexMismatchError):
        return say("server_error", lang, status=status), None
    return message, hint


def error_response(request: Request, status: int, message: str, hint: str | None = None, *,
                   exc: Exception | None = None, problems: list[dict[str, Any]] | None = None) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"error": message, "hint": hint}
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=status)
    ctx = context(request, status=status, message=message, hint=hint)
    t = ctx["t"]
    ctx["message"], ctx["hint"] = user_message(exc, status, message, hint, ctx["lang"])
    ctx["title"] = t[_title_key(exc, status)]
    headers = {"X-CSRF-Token": ctx["csrf"]} if isinstance(exc, CsrfError) else {}
    if is_htmx(request):
        # The form that sent the request shows the error in its own alert region (<form id>-error).
        trigger = request.headers.get("hx-trigger", "")
        target = f"#{trigger}-error" if _ELEMENT_ID.match(trigger) else "#ask-error"
        return render(request, "_error.html", ctx, status,
                      headers={"HX-Retarget": target, "HX-Reswap": "innerHTML", **headers})
    return render(request, "error.html", ctx, status, headers=headers)


def too_large(request: Request) -> Response:
    limit = request.app.state.settings.max_body_bytes
    return error_response(request, 413, f"The request body is larger than {limit} bytes.",
                          "Send a shorter question or comment.")


def install(app: FastAPI) -> None:
    @app.exception_handler(VagvisareError)
    async def _project_error(request: Request, exc: VagvisareError) -> Response:
        if exc.status_code >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc)
        response = error_response(request, exc.status_code, exc.message, exc.hint, exc=exc)
        response.headers.update(getattr(exc, "headers", None) or {})  # Retry-After, WWW-Authenticate
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [_problem(e) for e in exc.errors()]
        message = "Invalid request: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems) + "."
        return error_response(request, 422, message, "See /docs for what each endpoint takes.",
                              exc=exc, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            ctx_message = "There is no page at this address." if wants_json(request) else \
                context(request)["t"]["not_found"]
            return error_response(request, 404, ctx_message, "See / or /sources.")
        if exc.status_code == 413:
            return too_large(request)
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "An unexpected error occurred.",
                              "Try again; if it happens again, tell the maintainers.", exc=exc)


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
    field = ".".join(loc) or "body"
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}" if loc else "unknown field"
    elif kind == "missing":
        message = "is required"
    elif kind == "json_invalid":
        message = "the body is not valid JSON"
    else:
        message = str(error.get("msg", "is not valid"))
    return {"field": field, "message": message, "type": kind}
