"""What route handlers share: the loaded assistant, the store, CSRF and rate-limit checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request

from assistant.feedback import Store
from core.errors import IndexMissingError, VagvisareError
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.engine import Assistant

CONVERSATION_COOKIE = "vv_conv"
T = TypeVar("T")


def loaded(request: Request) -> Assistant:
    """The loaded assistant, or the error that says why there is none."""
    bot = request.app.state.assistant
    if bot is None:
        error = request.app.state.load_error
        if isinstance(error, VagvisareError):
            raise error
        raise IndexMissingError("The index is still loading.", hint="Try again in a few seconds.")
    return bot  # type: ignore[no-any-return]


def load_assistant(settings: Settings, previous: Assistant | None = None) -> Assistant:
    """A new assistant over the index in ``settings.index_dir``, built off to the side.

    Concurrent questions are embedded in batches (:mod:`web.batching`), in a process of their own
    (:mod:`web.embedding_process`) unless ``query_process`` is off. The embedding model of
    ``previous`` is reused (the settings, and so the model, do not change while serving), so a
    reload reads only the index. A failure is an error of the project's family that says what is
    wrong (a damaged index: :class:`IndexMissingError`), never a crash: the caller keeps serving
    what it had, or reports it.
    """
    from assistant.engine import Assistant
    from core.embed import load_embedder
    from core.store import IndexData
    from web.batching import BatchingEmbedder
    from web.embedding_process import ProcessEmbedder

    # Read every file from one build, even if `vagvisare ingest` swaps the link while we read.
    directory = settings.index_dir.resolve() if settings.index_dir.is_symlink() else settings.index_dir
    if previous is not None:
        index = _damage_is_missing(settings, IndexData, directory)
        return _damage_is_missing(settings, Assistant, settings, index, previous.embedder)
    # The model loads in its own process while this one reads the index.
    starting = ProcessEmbedder(settings, wait=False) if settings.query_process else None
    embedder: Any = starting
    try:
        index = _damage_is_missing(settings, IndexData, directory)
        embedder = starting.wait_ready() if starting is not None else load_embedder(settings, serving=True)
        if settings.query_batch > 1:
            embedder = BatchingEmbedder(embedder, settings.query_batch)
        return _damage_is_missing(settings, Assistant, settings, index, embedder)
    except VagvisareError:
        close = getattr(embedder, "close", None)
        if close is not None:
            close()  # no embedding process left behind
        raise


def _damage_is_missing(settings: Settings, build: Callable[..., T], *args: Any) -> T:
    """``build(*args)``; a damaged file can fail in a library's own way (pickle, zip, faiss, ...)."""
    try:
        return build(*args)
    except VagvisareError:
        raise
    except Exception as exc:
        raise IndexMissingError(f"The index in {settings.index_dir} could not be loaded "
                                f"({type(exc).__name__}: {exc}).",
                                hint="Run `vagvisare ingest --rebuild`.") from exc


def close_assistant(bot: Assistant | None) -> None:
    """Stop what :func:`load_assistant` started beside the assistant (the embedding process)."""
    close = getattr(bot.embedder, "close", None) if bot is not None else None
    if close is not None:
        close()


def store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


async def verify_csrf(request: Request) -> None:
    await request.app.state.csrf.verify(request)


async def rate_limit(request: Request) -> None:
    """As a dependency: on the event loop (a check in memory), so it takes no turn in the thread pool."""
    check_rate(request)


def check_rate(request: Request) -> None:
    request.app.state.limiter.check(request.client.host if request.client else "unknown")
