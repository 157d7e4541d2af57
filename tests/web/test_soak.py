"""A bounded soak: a real server with the real model under a mixed load for about two minutes
(``SOAK_SECONDS``, default 120). Its memory must level off after the warm-up, and no request fails.

The load mixes new questions (so the query-embedding cache fills to its bound and the model sees
many input lengths), chat posts (conversation writes), feedback, clause pages and search.
"""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer

from core.settings import Settings
from eval.bench import suite_questions
from eval.bench_load import memory_mb, process_tree

pytestmark = pytest.mark.model
SECONDS = float(os.environ.get("SOAK_SECONDS", "120"))
WARM_UP = 0.3  # of the time: caches, thread pools and allocator arenas reach their working size
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
GROWTH_MB = 64.0  # allowed after the warm-up: the rest of the query cache (2048 × 384 floats) and noise


def test_memory_levels_off_under_a_mixed_load(real_settings: Settings, tmp_path: Path) -> None:
    questions = suite_questions()
    server = LiveServer(real_settings.replace(data_dir=tmp_path / "data"), tmp_path / "server.log").start()
    stop = threading.Event()
    failures: list[str] = []
    counts = {"requests": 0}
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60.0) as client:
            token = TOKEN.search(client.get("/").text).group(1)  # type: ignore[union-attr]
            i = 0
            while not stop.is_set():
                q = f"{questions[(n * 7919 + i) % len(questions)]} ({n}.{i})"  # new to the cache
                kind = i % 20
                if kind < 12:
                    r = client.post("/api/ask", json={"question": q})
                elif kind < 15:
                    r = client.post("/ask", data={"question": q, "csrf": token}, follow_redirects=False)
                elif kind < 17:
                    r = client.post("/api/feedback", json={"question": q, "comment": f"soak {n}.{i}", "answer": {
                        "text": "svar", "citations": [], "index_version": ""}})
                elif kind < 19:
                    r = client.get("/c/sfs-2018-585/3:1")
                else:
                    r = client.post("/api/search", json={"question": q, "k": 10})
                with lock:
                    counts["requests"] += 1
                    if r.status_code >= 400:
                        failures.append(f"{r.request.url.path}: {r.status_code} {r.text[:200]}")
                i += 1

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(8)]
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        while (elapsed := time.monotonic() - started) < SECONDS:
            samples.append((elapsed, memory_mb(process_tree(server.pid))["rss_mb"]))
            time.sleep(2.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        server.stop()

    assert not failures, f"{len(failures)} of {counts['requests']} requests failed: {failures[:5]}"
    assert counts["requests"] >= 200, f"too little load to judge ({counts['requests']} requests in {SECONDS} s)"
    steady = [rss for t, rss in samples if t >= WARM_UP * SECONDS]
    third = max(1, len(steady) // 3)
    early, late = statistics.median(steady[:third]), statistics.median(steady[-third:])
    trace = ", ".join(f"{t:.0f}s {rss:.0f}" for t, rss in samples[::5])
    print(f"soak: {counts['requests']} requests in {SECONDS:.0f} s; RSS after warm-up {early:.0f} MB, "
          f"at the end {late:.0f} MB; over time (MB): {trace}")  # shown with -rA
    assert late - early <= GROWTH_MB, (
        f"RSS grew {late - early:.0f} MB after the warm-up ({early:.0f} → {late:.0f} MB) over "
        f"{counts['requests']} requests: a leak? RSS over time (MB): {trace}")
    assert max(rss for _, rss in samples) <= 2048, f"RSS over the 2 GB budget: {trace}"
