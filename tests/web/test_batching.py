"""The query-embedding path of the server: concurrent questions batched (in chunks of similar length),
and the model in a process of its own that is started again if it dies."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from core.embed import HashEmbedder
from core.errors import ModelError
from core.settings import Settings
from web.batching import CHUNK, BatchingEmbedder
from web.embedding_process import ProcessEmbedder


class SlowEmbedder(HashEmbedder):
    """The hash embedder, 20 ms a call, recording the batches it was given."""

    def __init__(self) -> None:
        super().__init__(16)
        self.calls: list[list[str]] = []
        self.fail = False

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        time.sleep(0.02)
        if self.fail:
            raise RuntimeError("the model broke")
        return super().encode_queries(texts)


def test_concurrent_questions_are_batched_and_each_gets_its_own_vector() -> None:
    inner = SlowEmbedder()
    batching = BatchingEmbedder(inner, max_batch=32)
    questions = [f"fråga {'x' * (i % 7)} nummer {i}" for i in range(40)]
    results: dict[str, np.ndarray] = {}

    def ask(q: str) -> None:
        results[q] = batching.encode_queries([q])[0]

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reference = HashEmbedder(16)
    for q in questions:
        assert np.allclose(results[q], reference.encode_queries([q])[0]), f"{q!r} got another question's vector"
    assert len(inner.calls) < len(questions), "concurrent questions must share forward passes"
    assert max(len(c) for c in inner.calls) <= CHUNK, "a large batch is embedded in chunks"
    assert all(len(c[0]) <= len(c[-1]) for c in inner.calls), "a chunk holds questions of similar length"
    batching.close()


def test_a_lone_question_does_not_wait_for_a_batch() -> None:
    batching = BatchingEmbedder(SlowEmbedder())
    started = time.perf_counter()
    batching.encode_queries(["en fråga"])
    assert time.perf_counter() - started < 0.5
    batching.close()


def test_an_error_reaches_every_waiting_caller_and_the_thread_lives_on() -> None:
    inner = SlowEmbedder()
    batching = BatchingEmbedder(inner)
    inner.fail = True
    with pytest.raises(RuntimeError, match="the model broke"):
        batching.encode_queries(["a"])
    inner.fail = False
    assert batching.encode_queries(["b"]).shape == (1, 16), "the next question is embedded again"
    batching.close()
    assert not batching._thread.is_alive(), "close() stops the thread"


def test_the_process_embedder_gives_the_same_vectors_and_restarts(small_settings: Settings) -> None:
    embedder = ProcessEmbedder(small_settings)  # hash:64
    try:
        local = HashEmbedder(64)
        assert embedder.fingerprint["id"] == "hash:64" and embedder.dim == 64
        texts = ["Vem ska säkerhetsprövas?", "security vetting"]
        assert np.allclose(embedder.encode_queries(texts), local.encode_queries(texts))
        first = embedder.pid
        assert first is not None and first != os.getpid(), "the model runs in another process"
        os.kill(first, signal.SIGKILL)
        time.sleep(0.2)
        assert np.allclose(embedder.encode_queries(texts), local.encode_queries(texts)), "started again"
        assert embedder.pid != first
    finally:
        embedder.close()
    assert embedder.pid is None


def test_a_model_that_cannot_load_is_a_model_error(small_settings: Settings) -> None:
    with pytest.raises(ModelError, match="hash:<dim> needs a number"):
        ProcessEmbedder(small_settings.replace(embedding_model="hash:x"))
