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


def error_response(request: Request, status: int, message: str, hint: str | None = None, *,
                   exc: Exception | None = None, problems: list[dict[str, Any]] | None = None) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"error": message, "hint": hint}
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=status)
    ctx = context(request, status=status, message=message, hint=hint)
    t = ctx["t"]
    if isinstance(exc, CsrfError):
        ctx["message"], ctx["hint"] = t["csrf_failed"], None
    elif isinstance(exc, RateLimitError):
        ctx["message"], ctx["hint"] = t["rate_limited"], None
    ctx["title"] = t[_title_key(exc, status)]
    if is_htmx(request):
        # The form that sent the request shows the error in its own alert region (<form id>-error).
        trigger = request.headers.get("hx-trigger", "")
        target = f"#{trigger}-error" if _ELEMENT_ID.match(trigger) else "#ask-error"
        return render(request, "_error.html", ctx, status,
                      headers={"HX-Retarget": target, "HX-Reswap": "innerHTML"})
    return render(request, "error.html", ctx, status)


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
                              problems=problems)

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
        message = "An unexpected error occurred." if wants_json(request) \
            else context(request)["t"]["internal_error"]
        return error_response(request, 500, message, "Try again; if it happens again, tell the maintainers.")


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
