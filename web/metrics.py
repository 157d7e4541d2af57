"""What an operator's monitoring reads: ``/metrics`` in the Prometheus text format, and a request id per request.

:class:`Metrics` holds one registry per app (tests make many apps): requests by route and status, their
latency, the assistant's answer time, answers and abstentions, index loads by result; and, read when
scraped, the index version, the questions waiting for the embedding model and the database errors.
:class:`Observe` is the ASGI middleware that counts every request under its route's pattern (never the
raw path, whose locators and queries would make a series per URL), gives it a request id (the
client's ``X-Request-ID`` when it is a plain token, else a new one; returned in the response) and,
with JSON logs, writes one access line for it (:mod:`web.logs`).

Each process counts its own: scrape every replica (with ``serve --workers N``, a scrape reaches one
worker; run one worker per replica where the numbers matter).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.logs import REQUEST_ID

if TYPE_CHECKING:
    from fastapi import FastAPI

    from assistant.records import Answer

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
REQUEST_ID_HEADER = "x-request-id"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _State:
    """Values read from the app when scraped, not counted as they happen."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        state = self.app.state
        bot = state.assistant
        info = InfoMetricFamily("vagvisare_index", "The index this server answers from.")
        if bot is not None:
            info.add_metric([], {"version": bot.index_version})
        yield info
        loaded = GaugeMetricFamily("vagvisare_index_loaded", "1 when an index is loaded and answering.")
        loaded.add_metric([], 1.0 if bot is not None else 0.0)
        yield loaded
        waiting = GaugeMetricFamily("vagvisare_questions_waiting",
                                    "Questions waiting for the embedding model (the batching queue).")
        queue = getattr(getattr(bot, "embedder", None), "_queue", None) if bot is not None else None
        waiting.add_metric([], float(queue.qsize()) if queue is not None else 0.0)
        yield waiting
        errors = CounterMetricFamily("vagvisare_database_errors", "Database errors since the server started.")
        errors.add_metric([], float(state.store.db.errors))
        yield errors


class Metrics:
    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("vagvisare_requests", "HTTP requests by route pattern, method and status.",
                                ["route", "method", "status"], registry=r)
        self.request_seconds = Histogram("vagvisare_request_seconds", "HTTP request latency by route pattern.",
                                         ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.answer_seconds = Histogram("vagvisare_answer_seconds", "Time the assistant took to answer a "
                                        "question (retrieval, decision, composition).", buckets=LATENCY_BUCKETS,
                                        registry=r)
        self.answers = Counter("vagvisare_answers", "Questions answered, by outcome (answered or abstained).",
                               ["outcome"], registry=r)
        self.index_loads = Counter("vagvisare_index_loads", "Index loads after start (a published version or an "
                                   "admin reload), by result.", ["result"], registry=r)
        r.register(_State(app))  # type: ignore[arg-type]  # a collector by its collect() method

    def answered(self, answer: Answer) -> None:
        self.answers.labels("abstained" if answer.abstained else "answered").inc()
        total = answer.timings.get("total_ms")
        if total is not None:
            self.answer_seconds.observe(float(total) / 1000)
        log.info("answer", extra={"abstained": answer.abstained, "lang": answer.lang,
                                  "answer_ms": total, "question": answer.question})

    def text(self) -> bytes:
        return generate_latest(self.registry)


def route_of(scope: Scope) -> str:
    """The pattern of the route that took the request ("/c/{doc_id}/{locator:path}"), "/static", or "unmatched"."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


def request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SAFE_ID.fullmatch(text):
                return text
    return secrets.token_hex(8)


class Observe:
    """Counts and times every request and tags it with a request id (see the module docstring)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, *, access_log: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope.get("headers", []))
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            self.metrics.requests.labels(route, scope.get("method", ""), str(status)).inc()
            self.metrics.request_seconds.labels(route).observe(seconds)
            if self.access_log:
                extra: dict[str, Any] = {"method": scope.get("method"), "route": route, "status": status,
                                         "ms": round(seconds * 1000, 1)}
                log.info("request", extra=extra)
            REQUEST_ID.reset(token)
