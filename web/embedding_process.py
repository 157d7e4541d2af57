"""The query-embedding model in a process of its own, beside the server's request threads.

In the server process the model's forward pass has to take Python's lock back after every
operation, and the threads answering other requests hold it most of the time: the server then
used one core of two however many requests were waiting (measured; docs/benchmark.md). In a child
process the model runs on the other core while the request threads search and compose.

:class:`ProcessEmbedder` has the interface of :class:`~core.embed.Embedder`; the server wraps it
in :class:`~web.batching.BatchingEmbedder`, so one message carries a whole batch of questions. If
the child dies it is started again at the next question.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from core.errors import ModelError, VagvisareError
from core.settings import Settings

log = logging.getLogger(__name__)

START_TIMEOUT_S = 300.0  # a first start converts the bundled model (once per machine)


class ProcessEmbedder:
    """``wait=False``: return once the process is started; :meth:`wait_ready` waits for the model (the
    server loads its index meanwhile, so a cold start takes the longer of the two, not their sum)."""

    def __init__(self, settings: Settings, *, wait: bool = True) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self.fingerprint: dict[str, Any] = {}
        self.dim = self.max_tokens = 0
        self._starting: tuple[Any, Connection] | None = self._spawn()
        if wait:
            self.wait_ready()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def wait_ready(self) -> ProcessEmbedder:
        if self._starting is not None:
            info = self._ready(*self._starting)
            self._starting = None
            self.fingerprint, self.dim, self.max_tokens = info["fingerprint"], info["dim"], info["max_tokens"]
        return self

    def _spawn(self) -> tuple[Any, Connection]:
        context = multiprocessing.get_context("spawn")  # the server has threads: never fork it
        parent, child = context.Pipe()
        process = context.Process(target=_serve_model, args=(self.settings, child), name="vagvisare-embedding",
                                  daemon=True)
        process.start()
        child.close()
        return process, parent

    def _ready(self, process: Any, parent: Connection) -> dict[str, Any]:
        if not parent.poll(START_TIMEOUT_S):
            process.kill()
            raise ModelError(f"The embedding process did not start in {START_TIMEOUT_S:.0f} s.")
        try:
            status, value = parent.recv()
        except EOFError:
            raise ModelError("The embedding process stopped while loading the model.",
                             hint="See the server log.") from None
        if status != "ready":
            process.join(timeout=10)
            raise ModelError(value[0], hint=value[1])
        self._process, self._conn = process, parent
        log.info("embedding model loaded in process %s", process.pid)
        return dict(value)

    def _start(self) -> dict[str, Any]:
        return self._ready(*self._spawn())

    def _call(self, method: str, *args: Any) -> Any:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                log.warning("the embedding process is gone; starting it again")
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((method, args))
                status, value = self._conn.recv()
            except (EOFError, OSError):
                self._process = None
                raise ModelError("The embedding process stopped.", hint="Try again in a moment.") from None
        if status != "ok":
            raise ModelError(f"Embedding failed: {value}")
        return value

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._call("encode_queries", list(texts)), dtype=np.float32)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return np.asarray(self._call("encode_passages", list(texts)), dtype=np.float32)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return np.asarray(self._call("encode_questions", list(texts)), dtype=np.float32)

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        return list(self._call("windows", text, overlap))

    def close(self) -> None:
        if self._starting is not None:  # never waited for: stop it as it is
            self._process, self._conn = self._starting
            self._starting = None
        with self._lock:
            if self._conn is not None:
                self._conn.close()  # the child ends at end of file
            if self._process is not None:
                self._process.join(timeout=10)
                if self._process.is_alive():
                    self._process.kill()
            self._process = self._conn = None


def _serve_model(settings: Settings, conn: Connection) -> None:
    """The child: load the model, then answer (method, args) messages until the server goes away."""
    from core.embed import load_embedder

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which closes the pipe
    try:
        embedder = load_embedder(settings, serving=True)
    except VagvisareError as exc:
        conn.send(("error", (exc.message, exc.hint)))
        return
    except Exception as exc:  # told to the server, which reports it
        conn.send(("error", (f"Cannot load the embedding model: {type(exc).__name__}: {exc}", None)))
        return
    try:  # the first pass sets the runtime up (seconds on a busy machine): before the first user, not on them
        embedder.encode_queries(["uppvärmning"])
    except Exception as exc:
        conn.send(("error", (f"The embedding model does not run: {type(exc).__name__}: {exc}", None)))
        return
    conn.send(("ready", {"fingerprint": embedder.fingerprint, "dim": embedder.dim,
                         "max_tokens": embedder.max_tokens}))
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", getattr(embedder, method)(*args)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
