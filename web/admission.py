"""A bounded queue for questions: beyond it, ``503`` with ``Retry-After`` at once.

Questions arrive on their own, not when the server is ready for them. Past what the model can embed,
an unbounded queue lets every request wait longer and longer (measured before: 6 s median at 40 new
questions a second; docs/benchmark.md). Here a server process admits at most ``server_threads``
questions being worked on plus ``queue_max`` waiting for a thread; one more is refused straight
away, so a client (or a load balancer) can try again or elsewhere instead of waiting seconds.

The check runs on the event loop (an ``async`` dependency listed first on the question routes),
before the request takes a thread: a refusal costs no thread and no model time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request

from core.errors import VagvisareError
from core.settings import Settings


class QueueFullError(VagvisareError):
    status_code = 503

    def __init__(self, waiting: int, retry_after: int) -> None:
        super().__init__(f"The server is answering as many questions as it can ({waiting} at once).",
                         hint=f"Try again in {retry_after} s.", code="busy", details={"seconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class Admission:
    """How many questions are in the server; ``capacity`` 0 admits every one."""

    def __init__(self, capacity: int, retry_after: int) -> None:
        self.capacity = capacity
        self.retry_after = retry_after
        self.active = 0
        self.shed = 0  # refused so far (for the benchmark and /metrics)

    @classmethod
    def from_settings(cls, settings: Settings) -> Admission:
        capacity = settings.server_threads + settings.queue_max if settings.queue_max else 0
        return cls(capacity, settings.retry_after)

    def enter(self) -> None:
        if self.capacity and self.active >= self.capacity:
            self.shed += 1
            raise QueueFullError(self.active, self.retry_after)
        self.active += 1

    def leave(self) -> None:
        self.active -= 1


async def admitted(request: Request) -> AsyncIterator[None]:
    """A question's place in the server, held until its response is done (only the event loop counts)."""
    admission: Admission = request.app.state.admission
    admission.enter()
    try:
        yield
    finally:
        admission.leave()
