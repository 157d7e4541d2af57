"""Operations: ``/readyz`` (may this replica take traffic?) and ``/metrics`` (Prometheus text format).

``/healthz`` (in :mod:`web.api`) says whether the process is alive and which index it serves; ``/readyz``
says whether it can answer now: an index loaded and the database reachable. Both answer at once, on the
event loop or a thread of their own, even when every request thread is busy.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from core.errors import VagvisareError
from web.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when an index is loaded and the database answers; 503 with the reasons otherwise."""
    state = request.app.state
    if getattr(state, "ping_limiter", None) is None:  # made on the app's event loop; never behind request threads
        state.ping_limiter = anyio.CapacityLimiter(2)
    problems = []
    if state.assistant is None:
        error = state.load_error
        problems.append(getattr(error, "message", None) or "The index is still loading.")
    try:
        with anyio.fail_after(5):
            await anyio.to_thread.run_sync(state.store.db.ping, limiter=state.ping_limiter)
    except VagvisareError as exc:
        problems.append(exc.message)
    except TimeoutError:
        problems.append("The database did not answer within 5 s.")
    if problems:
        return JSONResponse({"status": "not-ready", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready", "index_version": state.assistant.index_version,
                         "database": state.store.db.dialect})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.text(), media_type=CONTENT_TYPE)
