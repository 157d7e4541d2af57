"""No lost data, no failed requests: a real server killed with SIGKILL mid-load keeps every acknowledged
write; a new index is swapped in under load with zero failed requests; a damaged or missing index at
start is a clear 503 from /healthz while the process keeps running (and an admin reload recovers)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import LiveServer

from assistant.feedback import Store
from core.settings import Settings
from web.app import create_app

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="module")
def own_index(small_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small index of this module's own, so that it can be rebuilt and damaged while served."""
    from ingest.pipeline import build_index

    base = tmp_path_factory.mktemp("reliability")
    settings = small_settings.replace(index_dir=base / "index", data_dir=base / "data", abstain_threshold=-1.0)
    build_index(settings)
    return settings


class Load:
    """Threads sending requests until stopped; every failure (status >= 400 or no answer) is kept."""

    def __init__(self, url: str, work: Callable[[httpx.Client, int, int], httpx.Response], threads: int) -> None:
        self.url, self.work = url, work
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.count = 0
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(threads)]

    def _loop(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30.0) as client:
            i = 0
            while not self.stop.is_set():
                try:
                    r = self.work(client, n, i)
                    ok = r.status_code < 400
                    detail = f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                with self._lock:
                    self.count += 1
                    if not ok:
                        self.failures.append(detail)
                i += 1

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


# ------------------------------------------------------------------------------------ kill -9
def test_acknowledged_feedback_and_conversations_survive_kill_9(own_index: Settings, tmp_path: Path) -> None:
    settings = own_index.replace(data_dir=tmp_path / "data")
    server = LiveServer(settings, tmp_path / "server.log").start()
    acked_feedback: list[str] = []
    acked_messages: dict[str, list[str]] = {}  # conversation id -> share ids the server acknowledged
    lock = threading.Lock()

    def feedback_writer(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10.0) as client:
            for i in range(100_000):
                comment = f"feedback {n}-{i}"
                body = {"question": f"Fråga {n}-{i}", "answer": {"text": "Svar", "citations": [],
                                                                 "index_version": "x"}, "comment": comment}
                try:
                    r = client.post("/api/feedback", json=body)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acked_feedback.append(comment)

    def chat_writer(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10.0) as client:
            try:
                token = TOKEN.search(client.get("/").text).group(1)  # type: ignore[union-attr]
                for i in range(100_000):
                    r = client.post("/ask", data={"question": f"Vem ska säkerhetsprövas? ({n}-{i})", "csrf": token})
                    if r.status_code != 303:
                        continue
                    conversation = client.cookies.get("vv_conv")
                    share_id = r.headers["location"].split("#m-", 1)[1]
                    with lock:
                        acked_messages.setdefault(str(conversation), []).append(share_id)
            except httpx.HTTPError:
                return

    workers = [threading.Thread(target=feedback_writer, args=(n,), daemon=True) for n in range(4)]
    workers += [threading.Thread(target=chat_writer, args=(n,), daemon=True) for n in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill in the middle of the load, once enough writes are acknowledged
        with lock:
            enough = len(acked_feedback) >= 40 and sum(map(len, acked_messages.values())) >= 20
        if enough:
            break
        time.sleep(0.05)
    server.kill()  # SIGKILL: no shutdown, no flush
    for w in workers:
        w.join(timeout=30)
    assert len(acked_feedback) >= 40 and acked_messages, f"too little load before the kill: {server.tail()}"

    restarted = LiveServer(settings, tmp_path / "server.log").start()
    try:
        store = Store(settings.data_dir)
        stored = {f.comment for f in store.feedback()}
        lost = [c for c in acked_feedback if c not in stored]
        assert not lost, f"{len(lost)} acknowledged feedback rows lost after kill -9: {lost[:5]}"
        for conversation, share_ids in acked_messages.items():
            kept = {m.share_id for m in store.messages(conversation)}
            assert set(share_ids) <= kept, f"acknowledged messages lost from conversation {conversation}"
        some = next(iter(acked_messages.values()))[-1]
        assert httpx.get(f"{restarted.url}/s/{some}").status_code == 200, "the restarted server serves them"
        with sqlite3.connect(store.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        restarted.stop()


# ------------------------------------------------------------------------------------ index swap
def _mixed(client: httpx.Client, n: int, i: int) -> httpx.Response:
    kind = (n + i) % 5
    if kind == 0:
        return client.post("/api/ask", json={"question": f"Vem ska säkerhetsprövas? {i}"})
    if kind == 1:
        return client.post("/api/search", json={"question": "säkerhetsskyddsanalys", "k": 5})
    if kind == 2:
        return client.get("/c/sfs-2018-585/2:1")
    if kind == 3:
        return client.get("/api/clauses/sfs-2018-585/3:1")
    return client.get("/healthz")


def test_a_new_index_is_swapped_in_under_load_with_zero_failed_requests(own_index: Settings,
                                                                         tmp_path: Path) -> None:
    from core.store import builds_dir, swap_in
    from ingest.pipeline import build_index

    settings = own_index.replace(data_dir=tmp_path / "data")
    # index_poll=0: only the admin reload swaps (the watcher of web/publication.py is tested on its own)
    with LiveServer(settings, tmp_path / "server.log", index_poll=0) as server, Load(server.url, _mixed, 6) as load:
        before = httpx.get(server.url + "/healthz").json()["index_version"]
        time.sleep(1.0)
        report = build_index(settings, rebuild=True)  # writes beside the served build, swaps the link
        assert report.index_version != before
        assert server.admin("/api/admin/reload", token="not-the-token").status_code == 401
        assert httpx.get(server.url + "/healthz").json()["index_version"] == before, "no reload without the token"
        r = server.admin("/api/admin/reload")
        assert r.status_code == 200, r.text
        assert r.json() == {"status": "reloaded", "index_version": report.index_version, "previous": before}
        time.sleep(1.0)
        answer = httpx.post(server.url + "/api/ask", json={"question": "Vem ska säkerhetsprövas?"}).json()
        assert answer["index_version"] == report.index_version, "answers come from the new index"

        # A damaged build swapped in by mistake: the reload fails clearly, the good index keeps serving.
        good = settings.index_dir.resolve()
        broken = builds_dir(settings.index_dir) / "zz-broken"
        shutil.copytree(good, broken)
        (broken / "dense.faiss").write_bytes(b"not a faiss index")
        swap_in(settings.index_dir, broken)
        try:
            r = server.admin("/api/admin/reload")
            assert r.status_code == 503 and "vagvisare ingest --rebuild" in r.json()["hint"], r.text
            assert httpx.get(server.url + "/healthz").json()["index_version"] == report.index_version
            time.sleep(0.5)
        finally:
            swap_in(settings.index_dir, good)  # the module's other tests use this index
    assert load.count > 50, f"the load must be real ({load.count} requests)"
    assert not load.failures, f"{len(load.failures)} of {load.count} requests failed: {load.failures[:5]}"


# ------------------------------------------------------------------------------------ damaged at start
def _damage(index: Path, how: str) -> None:
    if how == "truncated-dense":
        (index / "dense.faiss").write_bytes((index / "dense.faiss").read_bytes()[:100])
    elif how == "no-manifest":
        (index / "manifest.json").unlink()
    elif how == "garbage-bm25":
        for f in (index / "bm25").iterdir():
            f.write_bytes(b"\x00garbage" * 10)
    elif how == "truncated-sqlite":
        (index / "clauses.sqlite").write_bytes((index / "clauses.sqlite").read_bytes()[:2048])
    elif how == "garbage-manifest":
        (index / "manifest.json").write_text("{not json", encoding="utf-8")
    elif how == "missing":
        shutil.rmtree(index)


def _copy_index(settings: Settings, target: Path) -> Settings:
    shutil.copytree(settings.index_dir.resolve(), target)
    return settings.replace(index_dir=target)


@pytest.mark.parametrize("how", ["truncated-dense", "no-manifest", "garbage-bm25", "truncated-sqlite",
                                 "garbage-manifest", "missing"])
def test_a_damaged_index_at_start_is_a_clear_503(own_index: Settings, tmp_path: Path, how: str) -> None:
    settings = _copy_index(own_index, tmp_path / "index").replace(data_dir=tmp_path / "data")
    _damage(settings.index_dir, how)
    with TestClient(create_app(settings)) as client:  # the lifespan loads the index
        health = client.get("/healthz")
        assert health.status_code == 503, f"{how}: {health.text}"
        body = health.json()
        assert body["status"] == "no-index" and str(settings.index_dir) in body["error"], body
        assert "vagvisare ingest" in body["hint"], "the hint says which command fixes it"
        r = client.post("/api/ask", json={"question": "Vem ska säkerhetsprövas?"})
        assert r.status_code == 503 and "vagvisare ingest" in r.json()["hint"]
        assert client.get("/").status_code == 503


def test_a_server_started_on_a_damaged_index_keeps_running_and_recovers(own_index: Settings,
                                                                         tmp_path: Path) -> None:
    from ingest.pipeline import build_index

    settings = _copy_index(own_index, tmp_path / "index").replace(data_dir=tmp_path / "data")
    _damage(settings.index_dir, "truncated-dense")
    with LiveServer(settings, tmp_path / "server.log") as server:
        first = httpx.get(server.url + "/healthz")
        assert first.status_code == 503 and "damaged" in first.json()["error"], first.text
        time.sleep(2.0)
        assert server.alive(), f"no crash loop: the process keeps running ({server.tail()})"
        page = httpx.get(server.url + "/")
        assert page.status_code == 503 and "vagvisare ingest" in page.text, "the chat page says what to do"
        build_index(settings, rebuild=True)
        r = server.admin("/api/admin/reload")
        assert r.status_code == 200 and r.json()["previous"] is None, r.text
        assert httpx.get(server.url + "/healthz").status_code == 200, "an admin reload recovers without a restart"
        assert httpx.post(server.url + "/api/ask", json={"question": "Vem ska säkerhetsprövas?"}).status_code == 200


def _mixed_retrying(client: httpx.Client, n: int, i: int) -> httpx.Response:
    """As a browser does: a request on a kept-alive connection that the server closed is sent again."""
    try:
        return _mixed(client, n, i)
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return _mixed(client, n, i)


def test_with_several_workers_a_reload_replaces_them_one_by_one(own_index: Settings, tmp_path: Path) -> None:
    """`serve --workers 2`: the reload asks uvicorn's supervisor to replace each worker, the new one
    ready (its index loaded) before the old one stops. A stopping worker closes its idle kept-alive
    connections, so a client may have to resend once (browsers do); no request gets an error."""
    from eval.bench_load import process_tree
    from ingest.pipeline import build_index

    settings = own_index.replace(index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    build_index(settings)
    with LiveServer(settings, tmp_path / "server.log", workers=2) as server, \
            Load(server.url, _mixed_retrying, 4) as load:
        def workers() -> set[int]:  # the supervisor's children, but for multiprocessing's helper
            return {pid for pid in process_tree(server.pid)
                    if _parent(pid) == server.pid and not _resource_tracker(pid)}

        deadline = time.monotonic() + 60
        while len(workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = workers()
        time.sleep(1.0)
        report = build_index(settings, rebuild=True)
        r = server.admin("/api/admin/reload")
        assert r.status_code == 202 and r.json()["status"] == "restarting-workers", r.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (len(workers()) == 2 and workers().isdisjoint(before)):
            time.sleep(0.2)
        assert workers().isdisjoint(before), f"the workers were not replaced: {server.tail()}"
        versions = {httpx.get(server.url + "/healthz").json()["index_version"] for _ in range(10)}
        assert versions == {report.index_version}, versions
        time.sleep(0.5)
    assert load.count > 50 and not load.failures, f"{len(load.failures)} of {load.count} failed: {load.failures[:5]}"


def test_several_workers_answer_without_the_nagle_delay(own_index: Settings, tmp_path: Path) -> None:
    """uvicorn's socket for several workers lacks TCP_NODELAY (its issue #3149): every answer on a
    kept-alive connection waited ~40 ms for the client's delayed ACK. web.tcp sets it."""
    import statistics

    settings = own_index.replace(data_dir=tmp_path / "data")
    with LiveServer(settings, tmp_path / "server.log", workers=2) as server, \
            httpx.Client(base_url=server.url) as client:
        client.get("/healthz")
        times = []
        for _ in range(15):
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 30, f"/healthz took {statistics.median(times):.0f} ms: Nagle's delay?"


def _resource_tracker(pid: int) -> bool:
    """multiprocessing's helper process under the supervisor is not a worker."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
