"""The feedback review page for support staff: ``/admin/feedback``, behind the admin token.

Sign-in is a form (the token is posted once, never put in a URL); it sets a session cookie for
``/admin`` signed with the server's secret and the token's fingerprint (changing the token ends every
session). Each item shows the question, the answer as the user saw it, the clause flagged as wrong and
the comment; it can become a question-bank entry (the question → the clause it should have cited, through
the library behind `vagvisare bank add`), a question the sources do not answer (``_outside.jsonl``, with
why), an eval draft (the suite format of `vagvisare eval from-feedback`, appended to
``<data dir>/feedback-drafts.yaml``), or simply be marked done.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from assistant.review import Review, append_draft
from core.errors import BadRequestError, NotFoundError, VagvisareError
from web.deps import loaded
from web.render import context, finish, render
from web.security import CSRF_FIELD, AdminAuthError, AdminDisabledError

router = APIRouter(prefix="/admin", include_in_schema=False)
SESSION_COOKIE = "vv_admin"
SESSION_SECONDS = 8 * 60 * 60
DRAFTS_FILE = "feedback-drafts.yaml"


def _signature(request: Request, expires: int) -> str:
    token = request.app.state.settings.admin_token
    fingerprint = hashlib.sha256(token.encode()).hexdigest()
    key = request.app.state.csrf.secret
    return hmac.new(key, f"admin:{expires}:{fingerprint}".encode(), hashlib.sha256).hexdigest()


def signed_in(request: Request) -> bool:
    """Whether the request carries a valid, unexpired review session."""
    if not request.app.state.settings.admin_token:
        return False
    value = request.cookies.get(SESSION_COOKIE, "")
    expires, _, signature = value.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(signature, _signature(request, int(expires)))


def _require(request: Request) -> None:
    if not request.app.state.settings.admin_token:
        raise AdminDisabledError("The review page is off: no admin token is set.",
                                 hint="Set VAGVISARE_ADMIN_TOKEN and restart the server.")
    if not signed_in(request):
        raise AdminAuthError("Sign in with the admin token first.", hint="Open /admin/feedback.")


def _review(request: Request) -> Review:
    return request.app.state.review  # type: ignore[no-any-return]


def _back(request: Request, feedback_id: int | None = None) -> Response:
    response = RedirectResponse("/admin/feedback" + (f"#fb-{feedback_id}" if feedback_id else ""), status_code=303)
    finish(request, response)
    return response


@router.get("/feedback")
def review_page(request: Request, show: str = "open") -> Response:
    if not signed_in(request):
        if not request.app.state.settings.admin_token:
            raise AdminDisabledError("The review page is off: no admin token is set.",
                                     hint="Set VAGVISARE_ADMIN_TOKEN and restart the server.")
        return render(request, "admin_login.html", context(request, failed=False))
    items = _review(request).items(include_done=show == "all")
    return render(request, "admin_feedback.html", context(request, items=items, show=show))


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=500)] = "",
          csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "") -> Response:
    request.app.state.csrf.check(request, csrf)
    expected = request.app.state.settings.admin_token
    if not expected:
        raise AdminDisabledError("The review page is off: no admin token is set.",
                                 hint="Set VAGVISARE_ADMIN_TOKEN and restart the server.")
    if not hmac.compare_digest(token.strip().encode("utf-8", "replace"), expected.encode()):
        return render(request, "admin_login.html", context(request, failed=True), 401)
    expires = int(time.time()) + SESSION_SECONDS
    response = _back(request)
    response.set_cookie(SESSION_COOKIE, f"{expires}.{_signature(request, expires)}", max_age=SESSION_SECONDS,
                        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/admin")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "") -> Response:
    request.app.state.csrf.check(request, csrf)
    response = _back(request)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


@router.post("/feedback/{feedback_id}/{action}")
def act(request: Request, feedback_id: int, action: str,
        csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
        clause_id: Annotated[str, Form(max_length=200)] = "",
        question: Annotated[str, Form(max_length=2000)] = "",
        why: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """One action on an item: ``bank`` (question → clause), ``outside`` (a question the sources do not
    answer, with why), ``draft`` (an eval draft), ``done``, ``reopen``."""
    request.app.state.csrf.check(request, csrf)
    _require(request)
    review = _review(request)
    item = review.item(feedback_id)
    clause_id = clause_id.strip()
    try:
        if action == "bank":
            from ingest.bank import add_question, find_clause

            settings = request.app.state.settings
            clause = find_clause(loaded(request).index.clauses, clause_id)
            text = question.strip() or item.feedback.question
            entry = add_question(settings.bank_path(), clause, text, item.lang, f"feedback #{feedback_id}")
            review.record(feedback_id, "bank", f"{entry.clause_id}: {entry.question}")
        elif action == "outside":
            from ingest.bank import add_outside

            text = question.strip() or item.feedback.question
            added = add_outside(request.app.state.settings.bank_path(), text, item.lang, "feedback", why,
                                f"feedback #{feedback_id}")
            review.record(feedback_id, "outside", added.question)
        elif action == "draft":
            if clause_id and loaded(request).index.clause(clause_id) is None:
                raise NotFoundError(f"No clause {clause_id!r} in the index.",
                                    hint="Give a clause id like sfs-2018-585#3:1, or leave it empty.")
            path = append_draft(request.app.state.settings.data_dir / DRAFTS_FILE, item, clause_id)
            review.record(feedback_id, "draft", str(path))
        elif action == "done":
            review.record(feedback_id, "done")
        elif action == "reopen":
            review.reopen(feedback_id)
        else:
            raise BadRequestError(f"No action {action!r}.", hint="Use bank, outside, draft, done or reopen.")
    except VagvisareError as exc:
        items = review.items(include_done=True)
        ctx = context(request, items=items, show="all", failed_id=feedback_id, failure=exc)
        return render(request, "admin_feedback.html", ctx, exc.status_code)
    return _back(request, feedback_id)
