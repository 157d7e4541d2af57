"""A replica follows the published index: every ``VAGVISARE_INDEX_POLL`` seconds it reads which version the
index directory holds now and, when it is new, loads it beside the one serving and swaps it in.

``vagvisare ingest`` publishes a version by building it in a directory of its own and swapping the index
link in one rename (:func:`core.store.swap_in`), which every machine sharing the volume sees at once.
The swap here is the admin reload's (:func:`web.deps.load_assistant`, one assignment): requests in flight
finish on the old index, new ones get the new one, none fails. A version that cannot be loaded is not
tried again until another is published; the old index keeps serving and ``/healthz`` says what failed
(:class:`Publication`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import VagvisareError
from core.store import read_manifest
from web.deps import load_assistant

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publication:
    """What the replica last saw published, and why it is not serving it (``error``), if it is not."""

    version: str
    error: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"version": self.version, "error": self.error}


def published_version(app: FastAPI) -> str:
    """The version of the index the index directory holds now (raises when there is none, or it is damaged)."""
    index_dir = app.state.settings.index_dir
    return str(read_manifest(index_dir.resolve() if index_dir.is_symlink() else index_dir).get("index_version", ""))


def follow(app: FastAPI) -> bool:
    """One check: load and swap in a newly published version; whether the replica now serves a new one."""
    try:
        version = published_version(app)
    except VagvisareError as exc:
        app.state.publication = Publication("", exc.message)
        return False
    bot = app.state.assistant
    seen: Publication | None = app.state.publication
    if bot is not None and bot.index_version == version:
        app.state.publication = Publication(version)
        return False
    if seen is not None and seen.version == version and seen.error:
        return False  # this version failed already: wait for the next one
    with app.state.reload_lock:  # not beside an admin reload
        previous = app.state.assistant
        try:
            new = load_assistant(app.state.settings, previous)
        except VagvisareError as exc:
            app.state.publication = Publication(version, str(exc))
            app.state.metrics.index_loads.labels("failed").inc()
            log.error("the published index %s cannot be loaded; still serving %s: %s", version,
                      previous.index_version if previous is not None else "nothing", exc)
            return False
        app.state.assistant = new
        app.state.load_error = None
    app.state.publication = Publication(new.index_version)
    app.state.metrics.index_loads.labels("ok").inc()
    log.info("published index swapped in: %s -> %s", previous.index_version if previous else None, new.index_version)
    return True


class Watcher:
    """A thread that calls :func:`follow` every ``interval`` seconds until stopped."""

    def __init__(self, app: FastAPI, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                follow(self.app)
            except Exception:  # never let the watcher die: the next poll tries again
                log.exception("checking for a published index failed")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
