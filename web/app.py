"""The FastAPI app factory: ``create_app(settings)``.

The lifespan loads the index once. Without an index the app still starts: every page
and ``/healthz`` say what is missing and which command fixes it (``vagvisare ingest``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from assistant.errors import IndexMismatchError, IndexMissingError, ModelError
from assistant.feedback import Store
from assistant.settings import Settings, load_settings
from web import api, errors, pages
from web.render import STATIC, static_version
from web.security import Csrf, RateLimiter, SecurityHeaders, load_secret

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)

API_DESCRIPTION = """Cited answers on research security and responsible internationalisation.

Every answer is verbatim quotes with clause-level citations; nothing is generated.
Errors are JSON `{"error": ..., "hint": ...}` with the HTTP status of the problem
(422 for a question or filter that cannot be answered as given)."""


def create_app(settings: Settings, *, assistant: Assistant | None = None) -> FastAPI:
    """The web app over the index in ``settings.index_dir`` (or an already loaded ``assistant``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant
        app.state.load_error = None
        if assistant is None:
            from assistant.engine import Assistant

            try:
                app.state.assistant = await run_in_threadpool(Assistant.load, settings)
                log.info("index %s loaded from %s", app.state.assistant.index_version, settings.index_dir)
            except (IndexMissingError, IndexMismatchError, ModelError) as exc:
                log.warning("serving without an index: %s", exc)
                app.state.load_error = exc
        yield

    app = FastAPI(title="Vägvisare", version="0.1.0", description=API_DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.assistant = assistant
    app.state.load_error = None
    app.state.store = Store(settings.data_dir)
    app.state.csrf = Csrf(load_secret(settings.data_dir))
    app.state.limiter = RateLimiter(settings.rate_limit)
    app.state.static_version = static_version()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api.health)
    app.include_router(pages.router)
    errors.install(app)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` and several workers: settings from the environment."""
    return create_app(load_settings())
