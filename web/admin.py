"""Admin endpoints, behind ``Authorization: Bearer <VAGVISARE_ADMIN_TOKEN>``: reload the index, list feedback.

A reload builds a new assistant beside the one serving and swaps it in with one assignment;
requests in flight finish on the old one, which is freed when the last of them is done. If
the new index cannot be loaded, the old one keeps serving and the error is returned.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from assistant.review import parse_since
from web.deps import load_assistant
from web.security import verify_admin

log = logging.getLogger(__name__)


def require_admin(request: Request) -> None:
    verify_admin(request.app.state.settings, request.headers.get("authorization"))


router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.post("/reload")
def reload_index(request: Request) -> JSONResponse:
    """Load the index in VAGVISARE_INDEX_DIR again (after `vagvisare ingest`) without a restart."""
    app = request.app
    if app.state.supervised:
        # Several workers: the supervisor replaces them one at a time, each new one ready
        # (index loaded) before the old one stops, so no request fails.
        os.kill(os.getppid(), signal.SIGHUP)
        return JSONResponse({"status": "restarting-workers", "pid": os.getpid()}, status_code=202)
    with app.state.reload_lock:  # one reload at a time
        previous = app.state.assistant
        bot = load_assistant(app.state.settings, previous)
        app.state.assistant = bot
        app.state.load_error = None
    before = previous.index_version if previous is not None else None
    log.info("index reloaded: %s -> %s", before, bot.index_version)
    return JSONResponse({"status": "reloaded", "index_version": bot.index_version, "previous": before})


@router.get("/feedback")
def list_feedback(request: Request,
                  since: str | None = Query(None, max_length=40, description="Only feedback given at or after "
                                            "this date or time (ISO 8601; UTC unless an offset is given)."),
                  rating: Literal["up", "down"] | None = Query(None, description="Only this rating."),
                  wrong_citation: bool = Query(False, description="Only feedback that flags a cited clause as "
                                               "wrong."),
                  open_only: bool = Query(False, description="Only items not yet handled on the review page.")
                  ) -> JSONResponse:
    """Feedback from the shared store, open items first, newest first within each; the review page's items."""
    items = request.app.state.review.items(include_done=not open_only, rating=rating, wrong_only=wrong_citation,
                                           since=parse_since(since) if since else None)
    return JSONResponse({"count": len(items), "items": [i.to_dict() for i in items]})
