"""The server's log lines: text as before, or JSON (``VAGVISARE_LOG_FORMAT=json``), one object a line.

Every line written while a request is handled carries its request id (set by :class:`web.metrics.Observe`).
A question is personal data: a line's ``question`` field is kept only with ``VAGVISARE_LOG_QUESTIONS=1``;
otherwise it is dropped, in JSON and in text alike. With JSON logs uvicorn's own access line (the raw path,
queries included: ``/?q=<question>``) is off and :class:`~web.metrics.Observe` writes one per request
with the route's pattern instead.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
from typing import Any

from core.settings import Settings

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName",
                                                                       "color_message"}  # uvicorn's, with ANSI


class RequestContext(logging.Filter):
    """Puts the request id on each record, and drops the question unless questions may be logged."""

    def __init__(self, log_questions: bool) -> None:
        super().__init__()
        self.log_questions = log_questions

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        if not self.log_questions and "question" in record.__dict__:
            del record.__dict__["question"]
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        data.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def handler(settings: Settings) -> logging.Handler:
    """A stderr handler in the configured format, with the request context."""
    out = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        out.setFormatter(JsonFormatter())
    else:
        out.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    out.addFilter(RequestContext(settings.log_questions))
    return out


def configure(settings: Settings) -> None:
    """The server process's logging: one handler on the root logger; uvicorn's loggers go through it."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(settings))
    root.setLevel(getattr(logging, settings.log_level.upper(), logging.INFO))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = settings.log_format == "json"
