"""HTML pages: the chat, clause and document pages, sources, shared answers, the API page.

Every page works as plain HTML forms and links; with htmx the chat and feedback forms
swap in fragments rendered from the same partial templates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from assistant.compose import clause_label
from assistant.followup import MAX_HISTORY
from core.errors import BadRequestError, VagvisareError
from core.sources import KINDS
from web.admission import admitted
from web.deps import CONVERSATION_COOKIE, check_rate, loaded, rate_limit, store, verify_csrf
from web.errors import is_htmx, user_message
from web.i18n import EXAMPLES, pick_lang
from web.render import citation_text, context, finish, lines, parse_spans, render
from web.security import CsrfError, RateLimitError

router = APIRouter(include_in_schema=False)
YEAR = 60 * 60 * 24 * 365
HARD_LIMIT = 20_000


def _chat(request: Request, *, question: str = "", error: VagvisareError | None = None, status: int = 200,
          filters: dict[str, Any] | None = None, standalone: bool = False,
          headers: dict[str, str] | None = None) -> Response:
    bot = loaded(request)
    db = store(request)
    conversation = request.cookies.get(CONVERSATION_COOKIE)
    messages = db.messages(conversation) if conversation and db.has_conversation(conversation) else []
    if filters is None:
        filters = messages[-1].filters if messages else {}
    ctx = context(request, messages=messages, question=question, error=error,
                  documents=list(bot.index.documents.values()), kinds=KINDS,
                  selected_docs=set(filters.get("docs") or ()),
                  selected_kinds=set(filters.get("kinds") or ()),
                  max_chars=request.app.state.settings.max_question_chars, standalone=standalone)
    if error is not None:
        ctx["error_message"], ctx["error_hint"] = user_message(error, status, error.message, error.hint,
                                                               ctx["lang"])
    ctx["examples"] = EXAMPLES[ctx["lang"]]
    ctx["voted"] = request.app.state.review.voted([m.id for m in messages])
    return render(request, "chat.html", ctx, status, headers=headers)


@router.api_route("/", methods=["GET", "HEAD"])
def chat(request: Request, q: str = "", alone: str = "") -> Response:
    return _chat(request, question=q[:HARD_LIMIT], standalone=alone == "1")


@router.post("/ask", dependencies=[Depends(admitted)])
def ask(request: Request, question: Annotated[str, Form(max_length=HARD_LIMIT)] = "",
        docs: Annotated[list[str] | None, Form()] = None,
        kinds: Annotated[list[str] | None, Form()] = None,
        standalone: Annotated[str, Form(max_length=10)] = "",
        csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """A question of the chat. Refused, it comes back with the reason and the question kept: in the form's own
    alert region for htmx (the script keeps the text), or as the chat page with the question in the box."""
    docs, kinds = [d for d in docs or [] if d], [k for k in kinds or [] if k]
    filters = {"docs": docs, "kinds": kinds}
    db = store(request)
    conversation = request.cookies.get(CONVERSATION_COOKIE)
    new = not (conversation and db.has_conversation(conversation))
    try:
        request.app.state.csrf.check(request, csrf)
        check_rate(request)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise BadRequestError(f"Unknown kind(s) of source: {', '.join(unknown)}.",
                                  hint=f"Use one of {', '.join(KINDS)}.")
        # the chat passes its own conversation: the earlier questions, oldest first
        history = [] if new or standalone == "1" else [m.question for m in db.messages(str(conversation))]
        answer = loaded(request).answer(question, docs=docs or None, kinds=kinds or None,
                                        history=history[-MAX_HISTORY:])
    except (BadRequestError, CsrfError, RateLimitError) as exc:
        if is_htmx(request):
            raise
        return _chat(request, question=question, error=exc, status=exc.status_code, filters=filters,
                     headers=getattr(exc, "headers", None))
    request.app.state.metrics.answered(answer)
    if new:
        conversation = db.new_conversation()
    message = db.add_message(str(conversation), question, answer.to_dict(), filters)
    response: Response
    if is_htmx(request):
        response = render(request, "_answer.html", context(request, m=message, voted=set()))
    else:
        response = RedirectResponse(f"/#m-{message.share_id}", status_code=303)
        finish(request, response)
    response.headers["Server-Timing"] = ", ".join(
        f"{name.removesuffix('_ms')};dur={value}" for name, value in answer.timings.items())
    if new:
        response.set_cookie(CONVERSATION_COOKIE, str(conversation), max_age=YEAR, httponly=True,
                            samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/new", dependencies=[Depends(verify_csrf)])
def new_conversation(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(CONVERSATION_COOKIE, path="/")
    return response


@router.post("/feedback", dependencies=[Depends(verify_csrf), Depends(rate_limit)])
def feedback(request: Request, share_id: Annotated[str, Form(max_length=64)],
             rating: Annotated[str, Form(max_length=10)] = "",
             wrong_clause_id: Annotated[str, Form(max_length=200)] = "",
             comment: Annotated[str, Form(max_length=HARD_LIMIT)] = "") -> Response:
    db = store(request)
    message = db.shared(share_id)
    request.app.state.review.add_vote(message, rating=rating or None, wrong_clause_id=wrong_clause_id or None,
                                      comment=comment)
    ctx = context(request, m=message, fresh=True)
    return render(request, "_feedback_done.html" if is_htmx(request) else "thanks.html", ctx)


@router.get("/s/{share_id}")
def shared(request: Request, share_id: str) -> Response:
    message = store(request).shared(share_id)
    return render(request, "share.html", context(request, m=message, readonly=True, voted=set()))


@router.api_route("/c/{doc_id}/{locator:path}", methods=["GET", "HEAD"])
def clause_page(request: Request, doc_id: str, locator: str, hl: str | None = None) -> Response:
    bot = loaded(request)
    clause = bot.clause(doc_id, locator)
    doc = bot.index.documents[doc_id]
    spans = parse_spans(hl, len(clause.text))
    previous, following = bot.neighbours(clause)
    parallel, parallel_doc = bot.parallel(clause) or (None, None)
    ctx = context(request, clause=clause, doc=doc, lines=lines(clause, spans), highlighted=bool(spans),
                  label=clause_label(clause, pick_lang(request)),
                  previous=previous, following=following, others=bot.other_wordings(clause), parallel=parallel,
                  parallel_doc=parallel_doc,
                  citation=citation_text(doc.title, clause), line_view=lines)
    return render(request, "clause.html", ctx)


@router.get("/d/{doc_id}")
def document_page(request: Request, doc_id: str) -> Response:
    doc, clauses = loaded(request).document(doc_id)
    groups: list[tuple[str, list[Any]]] = []
    for c in clauses:
        top = c.heading_path[0] if c.heading_path else ""
        if not groups or groups[-1][0] != top:
            groups.append((top, []))
        groups[-1][1].append(c)
    return render(request, "document.html", context(request, doc=doc, groups=groups, line_view=lines))


@router.get("/sources")
def sources_page(request: Request) -> Response:
    bot = loaded(request)
    counts = bot.index.manifest.get("documents", {})
    return render(request, "sources.html", context(request, documents=list(bot.index.documents.values()),
                                                   counts=counts))


@router.get("/docs")
def api_page(request: Request) -> Response:
    """The API described from the OpenAPI schema, as a page that needs no script (the CSP allows "
      "none inline)."""
    schema = request.app.openapi()
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            fields: list[dict[str, Any]] = []
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref", ""))
            body = components.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
            required = set(body.get("required", ()))
            for name, prop in body.get("properties", {}).items():
                fields.append({"name": name, "required": name in required,
                               "type": _type_name(prop), "description": prop.get("description", "")})
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "description": op.get("description", ""), "fields": fields})
    return render(request, "docs.html", context(request, endpoints=endpoints, api=schema.get("info", {})))


def _type_name(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " | ".join(_type_name(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " | ".join(repr(v) for v in prop["enum"])
    if prop.get("type") == "array":
        return f"list[{_type_name(prop.get('items', {}))}]"
    if "$ref" in prop:
        return str(prop["$ref"].rsplit("/", 1)[-1])
    return str(prop.get("type", "any"))
