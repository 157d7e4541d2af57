"""Two replicas (`vagvisare serve` processes) on loopback sharing one PostgreSQL and one index directory:
a conversation, a share link, a vote and feedback made on one are seen by the other; one killed with
SIGKILL mid-load loses no acknowledged write while the other keeps answering; a newly published index
reaches both (VAGVISARE_INDEX_POLL) under load with zero failed requests."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import ADMIN_TOKEN, LiveServer
from test_reliability import Load, _mixed

from assistant.feedback import Store
from core.settings import Settings

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def replica_index(small_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An index of this module's own (it is republished), the "shared volume" of both replicas."""
    from ingest.pipeline import build_index

    base = tmp_path_factory.mktemp("replicas")
    settings = small_settings.replace(index_dir=base / "index", data_dir=base / "data", abstain_threshold=-1.0)
    build_index(settings)
    return settings


@pytest.fixture
def replicas(replica_index: Settings, postgres, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer, str]]:  # type: ignore[no-untyped-def]
    url = postgres.new_database()
    servers = [LiveServer(replica_index.replace(data_dir=tmp_path / f"data-{n}"), tmp_path / f"replica-{n}.log",
                          database_url=url, index_poll=1.0) for n in ("a", "b")]
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1], url
    finally:
        for server in servers:
            server.stop()


def test_state_made_on_one_replica_is_seen_on_the_other(replicas: tuple[LiveServer, LiveServer, str]) -> None:
    a, b, _ = replicas
    assert httpx.get(a.url + "/readyz").json()["database"] == "postgresql"
    with httpx.Client(timeout=30.0) as browser:  # one browser; the load balancer sends it to either replica
        token = TOKEN.search(browser.get(a.url + "/").text).group(1)  # type: ignore[union-attr]
        first = browser.post(a.url + "/ask", data={"question": "Vem ska säkerhetsprövas?", "csrf": token})
        assert first.status_code == 303, first.text
        share = first.headers["location"].split("#m-", 1)[1]
        # the same form token and conversation cookie, on the other replica
        second = browser.post(b.url + "/ask", data={"question": "Gäller det även konsulter?", "csrf": token})
        assert second.status_code == 303, "a form from one replica is good on the other (one signing secret)"
        page = browser.get(b.url + "/").text
        assert "Vem ska säkerhetsprövas?" in page and "Gäller det även konsulter?" in page, \
            "the conversation begun on A continues on B"
        assert browser.get(b.url + f"/s/{share}").status_code == 200, "a share link made on A opens on B"
        vote = browser.post(a.url + "/feedback", data={"share_id": share, "rating": "up", "csrf": token})
        assert vote.status_code == 200, vote.text
        again = browser.post(b.url + "/feedback", data={"share_id": share, "rating": "down", "csrf": token})
        assert again.status_code == 409, "one vote per answer across replicas"
    answer = httpx.post(b.url + "/api/ask", json={"question": "Vem ska säkerhetsprövas?"}).json()
    api = httpx.post(b.url + "/api/feedback", json={"question": "Vem?", "answer": answer, "comment": "via B"})
    assert api.status_code == 201
    for server in (a, b):
        items = httpx.get(server.url + "/api/admin/feedback", headers=AUTH).json()["items"]
        assert {i["comment"] for i in items} >= {"via B"} and any(i["rating"] == "up" for i in items), \
            f"feedback sent to either replica is listed by {server.url}"


def test_a_replica_killed_mid_load_loses_no_acknowledged_write_and_the_other_keeps_answering(
        replicas: tuple[LiveServer, LiveServer, str], tmp_path: Path) -> None:
    a, b, url = replicas
    acked: list[str] = []
    after_kill: list[str] = []  # answers from B after A was killed
    failures_on_b: list[str] = []
    killed = threading.Event()
    stop = threading.Event()
    lock = threading.Lock()

    def writer(server: LiveServer, n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30.0) as client:
            i = 0
            while not stop.is_set():
                comment = f"{server.port}-{n}-{i}"
                i += 1
                body = {"question": f"Fråga {comment}", "comment": comment,
                        "answer": {"text": "Svar", "citations": [], "index_version": "x"}}
                try:
                    r = client.post("/api/feedback", json=body)
                except httpx.HTTPError as exc:
                    if server is b:
                        failures_on_b.append(f"{type(exc).__name__}: {exc}")
                    if server is a:
                        return  # A is gone
                    continue
                if r.status_code == 201:
                    with lock:
                        acked.append(comment)
                elif server is b:
                    failures_on_b.append(f"{r.status_code} {r.text[:200]}")

    def asker() -> None:
        with httpx.Client(base_url=b.url, timeout=30.0) as client:
            while not stop.is_set():
                r = client.post("/api/ask", json={"question": "Vem ska säkerhetsprövas?"})
                if r.status_code != 200:
                    failures_on_b.append(f"ask {r.status_code} {r.text[:200]}")
                elif killed.is_set():
                    after_kill.append(r.json()["index_version"])

    threads = [threading.Thread(target=writer, args=(s, n), daemon=True) for s in (a, b) for n in range(3)]
    threads.append(threading.Thread(target=asker, daemon=True))
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(c.startswith(str(a.port)) for c in list(acked)) < 60:
        time.sleep(0.05)
    a.kill()  # SIGKILL: no shutdown, no flush
    killed.set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(after_kill) < 10:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    from_a = [c for c in acked if c.startswith(str(a.port))]
    assert len(from_a) >= 60, f"too little load on A before the kill: {a.tail()}"
    assert len(after_kill) >= 10, f"B must keep answering after A is killed: {b.tail()}"
    assert not failures_on_b, f"{len(failures_on_b)} requests to B failed: {failures_on_b[:5]}"
    store = Store(tmp_path / "check", url)
    try:
        stored = {f.comment for f in store.feedback()}
    finally:
        store.close()
    lost = [c for c in acked if c not in stored]
    assert not lost, f"{len(lost)} of {len(acked)} acknowledged feedback rows lost: {lost[:5]}"
    assert b.alive() and httpx.get(b.url + "/readyz").status_code == 200


def test_a_published_index_reaches_both_replicas_under_load_with_zero_failed_requests(
        replicas: tuple[LiveServer, LiveServer, str], replica_index: Settings) -> None:
    from ingest.pipeline import build_index

    a, b, _ = replicas
    before = {httpx.get(s.url + "/healthz").json()["index_version"] for s in (a, b)}
    assert len(before) == 1
    with Load(a.url, _mixed, 3) as load_a, Load(b.url, _mixed, 3) as load_b:
        time.sleep(1.0)
        report = build_index(replica_index, rebuild=True)  # published: the index link swapped in one rename
        assert report.index_version not in before
        deadline = time.monotonic() + 90
        versions: set[str] = set()
        while time.monotonic() < deadline:
            versions = {httpx.get(s.url + "/healthz").json()["index_version"] for s in (a, b)}
            if versions == {report.index_version}:
                break
            time.sleep(0.2)
        assert versions == {report.index_version}, f"both replicas follow the published index: {versions}"
        time.sleep(1.0)
    for load in (load_a, load_b):
        assert load.count > 20, f"the load must be real ({load.count} requests)"
        assert not load.failures, f"{len(load.failures)} of {load.count} requests failed: {load.failures[:5]}"
    metrics = httpx.get(a.url + "/metrics").text
    assert f'vagvisare_index_info{{version="{report.index_version}"}} 1.0' in metrics
