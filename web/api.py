"""The JSON API: each route validates its input and makes one call into the library."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.catalog import list_sources
from assistant.compose import permalink
from assistant.followup import MAX_HISTORY
from core.errors import BadRequestError
from core.sources import KINDS
from web.admission import admitted
from web.deps import loaded, rate_limit, store
from web.render import citation_text
from web.security import UnsupportedMediaError

Kind = Literal["statute", "ordinance", "guideline", "recommendation", "decision", "page"]
assert set(KINDS) == set(Kind.__args__), "Kind must list the manifest's kinds"  # type: ignore[attr-defined]
HARD_LIMIT = 20_000  # a guard on the body; the configured question limit is checked by the library


async def require_json(request: Request) -> None:
    """A JSON post: a cross-site HTML form cannot send this content type without a CORS preflight."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise UnsupportedMediaError(f"Content-Type {kind or 'none'!r} is not accepted.",
                                    hint="Send the body as JSON with Content-Type: application/json.")


router = APIRouter(prefix="/api", tags=["api"])


History = list[Annotated[str, Field(max_length=HARD_LIMIT)]] | None
HISTORY = Field(None, max_length=MAX_HISTORY, description=(
    f"The earlier questions of the conversation, oldest first (at most {MAX_HISTORY}). A follow-up "
    "(\"Gäller det även doktorander?\") is searched with what it refers to; the answer's interpreted_as says "
    "as what."), examples=[["Vem ska säkerhetsprövas?"]])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=HARD_LIMIT, description="The question, in Swedish or English.",
                          examples=["Vem ska säkerhetsprövas?"])
    lang: Literal["sv", "en"] | None = Field(None, description="Answer language (default: the question's).")
    docs: list[str] | None = Field(None, max_length=100, description="Only these documents (doc ids).")
    kinds: list[Kind] | None = Field(None, description="Only these kinds of source.")
    include_inactive: bool = Field(False, description="Also repealed and not yet valid wordings.")
    history: History = HISTORY


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=HARD_LIMIT, examples=["säkerhetsskyddsanalys"])
    k: int = Field(10, description="How many hits (1–100).")
    docs: list[str] | None = Field(None, max_length=100)
    kinds: list[Kind] | None = None
    include_inactive: bool = False
    history: History = HISTORY


class AnswerRef(BaseModel):
    """The parts of an Answer JSON that feedback keeps (other fields are allowed and ignored)."""

    model_config = ConfigDict(extra="allow")
    text: str = Field(max_length=200_000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    index_version: str = ""


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    share_id: str | None = Field(None, description="The answer's share id (from the chat); or give question "
                                                    "and answer.", max_length=64)
    question: str | None = Field(None, max_length=HARD_LIMIT)
    answer: AnswerRef | None = Field(None, description="The Answer JSON returned by /api/ask.")
    rating: Literal["up", "down"] | None = None
    wrong_clause_id: str | None = Field(None, max_length=200, description="The cited clause that is wrong.")
    comment: str = Field("", max_length=4000)


@router.post("/ask", dependencies=[Depends(admitted), Depends(require_json), Depends(rate_limit)])
def api_ask(request: Request, body: AskRequest) -> JSONResponse:
    """Answer a question with verbatim quotes and numbered citations, or abstain."""
    answer = loaded(request).answer(body.question, lang=body.lang, docs=body.docs, kinds=body.kinds,
                                    include_inactive=body.include_inactive, history=body.history)
    request.app.state.metrics.answered(answer)
    return JSONResponse(answer.to_dict())


@router.post("/search", dependencies=[Depends(admitted), Depends(require_json), Depends(rate_limit)])
def api_search(request: Request, body: SearchRequest) -> JSONResponse:
    """Ranked clauses for a question, each with clause_id, doc_id, label, score and text."""
    bot = loaded(request)
    hits = bot.search(body.question, k=body.k, docs=body.docs, kinds=body.kinds,
                      include_inactive=body.include_inactive, history=body.history)
    return JSONResponse({"index_version": bot.index_version, "hits": [h.to_dict() for h in hits]})


@router.get("/clauses/{doc_id}/{locator:path}")
def api_clause(request: Request, doc_id: str, locator: str) -> JSONResponse:
    """One clause with its document, status, versions and neighbours (locator = the id after '#')."""
    bot = loaded(request)
    clause = bot.clause(doc_id, locator)
    doc = bot.index.documents[doc_id]
    previous, following = bot.neighbours(clause)
    data = asdict(clause)
    data.update(title=doc.title, kind_of_source=doc.source.kind, binding=doc.source.binding,
                as_of=doc.source.as_of, official_url=doc.source.official_url, permalink=permalink(clause),
                citation=citation_text(doc.title, clause),
                previous=previous.clause_id if previous else None,
                next=following.clause_id if following else None,
                index_version=bot.index_version)
    return JSONResponse(data)


@router.get("/sources")
def api_sources(request: Request) -> JSONResponse:
    """Every source in the manifest, with kind, binding, version and clause counts when indexed."""
    return JSONResponse(list_sources(request.app.state.settings))


@router.post("/feedback", status_code=201, dependencies=[Depends(require_json), Depends(rate_limit)])
def api_feedback(request: Request, body: FeedbackRequest) -> JSONResponse:
    """Store feedback on an answer: a rating, a wrong citation and/or a comment."""
    db = store(request)
    if body.share_id:
        feedback_id = request.app.state.review.add_vote(db.shared(body.share_id), rating=body.rating,
                                                        wrong_clause_id=body.wrong_clause_id, comment=body.comment)
    elif body.question is not None and body.answer is not None:
        feedback_id = db.add_answer_feedback(body.question, body.answer.model_dump(), rating=body.rating,
                                             wrong_clause_id=body.wrong_clause_id, comment=body.comment)
    else:
        raise BadRequestError("The feedback names no answer.",
                              hint="Give share_id, or question and answer (the JSON from /api/ask).")
    return JSONResponse({"id": feedback_id}, status_code=201)


health = APIRouter(tags=["health"])


@health.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """Whether the index is loaded, and its version (answered at once, even when every thread is busy)."""
    bot = request.app.state.assistant
    if bot is None:
        error = request.app.state.load_error
        return JSONResponse({"status": "no-index", "error": getattr(error, "message", "The index is "
                                                                                      "loading."),
                             "hint": getattr(error, "hint", None) or "Run `vagvisare ingest` first."},
                            status_code=503)
    body = {"status": "ok", "index_version": bot.index_version, "built_at": bot.index.manifest.get("built_at"),
            "documents": len(bot.index.documents), "clauses": len(bot.index.clauses)}
    publication = getattr(request.app.state, "publication", None)
    if publication is not None and publication.error:  # a newly published index this replica could not load
        body["published"] = publication.to_dict()
    return JSONResponse(body)
