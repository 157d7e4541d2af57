"""Concurrent questions embedded together: one forward pass of the model for all that are waiting.

On the CPU a forward pass over several short questions costs about half as much per question as
one at a time (measured with the bundled e5-small on one thread: 24–31 ms alone, 12–15 ms each
in a batch of 4–16; docs/benchmark.md). A batch is padded to its longest question, so a large
batch is embedded in chunks of similar length. A single thread owns the model: a request
puts its question in the queue and waits; the thread takes everything that is waiting (up to
``max_batch``) and embeds it at once. Nothing waits for a batch to fill: a lone question is
embedded as soon as it arrives, so one user's latency is unchanged, and under load the batches
form by themselves while the previous pass runs.

It wraps the embedder the assistant was loaded with (:class:`BatchingEmbedder` has the same
interface), so the query path in :mod:`assistant.engine` is unchanged, including its cache.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any

import numpy as np

from core.embed import Embedder

log = logging.getLogger(__name__)
STOP: Any = object()  # put in the queue by close()
# Measured on the suite questions, one thread, ms per question: 32 at once 22.3, sorted by length
# in chunks of 8 14.6 (of 4: 15.8); 16 at once 15.9, in chunks of 8 13.7.
CHUNK = 8


class BatchingEmbedder:
    """An :class:`~core.embed.Embedder` whose ``encode_queries`` batches concurrent callers."""

    def __init__(self, inner: Embedder, max_batch: int = 32) -> None:
        self.inner = inner
        self.max_batch = max_batch
        self.fingerprint = inner.fingerprint
        self.dim = inner.dim
        self.max_tokens = inner.max_tokens
        self._queue: queue.SimpleQueue[tuple[list[str], Future[np.ndarray]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="query-embedding", daemon=True)
        self._thread.start()
        self.batches = 0  # how many forward passes, and over how many questions (for the benchmark)
        self.embedded = 0

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.inner.encode_passages(texts, progress=progress)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.inner.encode_questions(texts, progress=progress)

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        return self.inner.windows(text, overlap)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode_queries(texts)
        done: Future[np.ndarray] = Future()
        self._queue.put((list(texts), done))
        return done.result()

    def close(self) -> None:
        """Stop the thread, and the embedder it wraps if that can be stopped."""
        self._queue.put(STOP)
        self._thread.join(timeout=10)
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is STOP:
                return
            waiting = [first]
            count = len(waiting[0][0])
            while count < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is STOP:
                    self._queue.put(STOP)  # stop after this batch
                    break
                waiting.append(item)
                count += len(item[0])
            self._embed(waiting)

    def _embed(self, waiting: list[tuple[list[str], Future[np.ndarray]]]) -> None:
        texts = [t for item, _ in waiting for t in item]
        try:
            vectors = self._encode(texts)
        except Exception as exc:  # every waiting request gets the error, the thread lives on
            log.warning("embedding %d questions failed: %s", len(texts), exc)
            for _, done in waiting:
                done.set_exception(exc)
            return
        self.batches += 1
        self.embedded += len(texts)
        start = 0
        for item, done in waiting:
            done.set_result(vectors[start:start + len(item)])
            start += len(item)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Similar lengths together, CHUNK at a time: a batch is padded to its longest question."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), CHUNK):
            rows = order[start:start + CHUNK]
            vectors[rows] = self.inner.encode_queries([texts[i] for i in rows])
        return vectors
