"""What route handlers share: the loaded assistant, the store, CSRF and rate-limit checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from assistant.errors import IndexMissingError, VagvisareError
from assistant.feedback import Store

if TYPE_CHECKING:
    from assistant.engine import Assistant

CONVERSATION_COOKIE = "vv_conv"


def loaded(request: Request) -> Assistant:
    """The loaded assistant, or the error that says why there is none."""
    bot = request.app.state.assistant
    if bot is None:
        error = request.app.state.load_error
        if isinstance(error, VagvisareError):
            raise error
        raise IndexMissingError("The index is still loading.", hint="Try again in a few seconds.")
    return bot  # type: ignore[no-any-return]


def store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


async def verify_csrf(request: Request) -> None:
    await request.app.state.csrf.verify(request)


def rate_limit(request: Request) -> None:
    request.app.state.limiter.check(request.client.host if request.client else "unknown")
