"""The FastAPI app factory: ``create_app(settings)``.

The lifespan loads the index once. Without an index the app still starts: every page
and ``/healthz`` say what is missing and which command fixes it (``vagvisare ingest``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from assistant.feedback import Store
from assistant.review import Review
from core.errors import VagvisareError
from core.settings import Settings, load_settings
from web import admin, api, errors, operations, pages, review
from web.admission import Admission
from web.deps import close_assistant, load_assistant
from web.logs import configure as configure_logs
from web.metrics import Metrics, Observe
from web.publication import Watcher
from web.render import STATIC, static_version
from web.security import BodyLimit, Csrf, RateLimiter, SecurityHeaders, check_admin_token, load_secret

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)

API_DESCRIPTION = """Cited answers on research security and responsible internationalisation.

Every answer is verbatim quotes with clause-level citations; nothing is generated.
Errors are JSON `{"error": ..., "hint": ...}` with the HTTP status of the problem
(422 for a question or filter that cannot be answered as given)."""


def create_app(settings: Settings, *, assistant: Assistant | None = None, supervised: bool = False) -> FastAPI:
    """The web app over the index in ``settings.index_dir`` (or an already loaded ``assistant``).

    ``supervised``: one of several worker processes under uvicorn's supervisor (``--workers N``).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant
        app.state.load_error = None
        # The route handlers run in this thread pool; a request beyond it waits in line.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.server_threads
        if assistant is None:
            try:
                app.state.assistant = await run_in_threadpool(load_assistant, settings)
                log.info("index %s loaded from %s", app.state.assistant.index_version, settings.index_dir)
            except VagvisareError as exc:
                # Keep running: /healthz says what is wrong (503), and an admin reload can recover.
                log.error("serving without an index: %s", exc)
                app.state.load_error = exc
        # a replica follows the published index (web/publication.py); 0: only on an admin reload
        watcher = Watcher(app, settings.index_poll).start() if settings.index_poll > 0 else None
        yield
        if watcher is not None:
            watcher.stop()
        if assistant is None:  # what the lifespan loaded, it stops
            close_assistant(app.state.assistant)

    app = FastAPI(title="Vägvisare", version="0.1.0", description=API_DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.assistant = assistant
    app.state.load_error = None
    app.state.store = Store(settings.data_dir, settings.database_url)
    app.state.review = Review(app.state.store)
    # replicas on one database sign with one secret, so a form or session from one is good on all
    secret = (app.state.store.secret("web", lambda: secrets.token_bytes(32)) if app.state.store.multi_server
              else load_secret(settings.data_dir))
    app.state.csrf = Csrf(secret)
    app.state.limiter = RateLimiter(settings.rate_limit)
    app.state.admission = Admission.from_settings(settings)
    app.state.reload_lock = threading.Lock()
    app.state.supervised = supervised
    app.state.publication = None
    app.state.metrics = Metrics(app)
    app.state.static_version = static_version()
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, respond=errors.too_large)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Observe, metrics=app.state.metrics, access_log=settings.log_format == "json")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api.health)
    app.include_router(operations.router)
    app.include_router(admin.router)
    app.include_router(review.router)
    app.include_router(pages.router)
    errors.install(app)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` and several workers: settings from the environment."""
    settings = load_settings()
    check_admin_token(settings)
    if settings.log_format == "json":
        configure_logs(settings)  # a worker process of its own
    return create_app(settings, supervised=True)
