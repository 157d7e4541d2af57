"""Operations: /readyz, /metrics, request ids and JSON logs without questions, the admin feedback listing,
and a replica following the published index (web/publication.py), one check at a time."""

from __future__ import annotations

import io
import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.errors import ConfigError
from core.settings import Settings, load_settings
from web.app import create_app
from web.logs import handler
from web.publication import follow

TOKEN = "operations-admin-token-5d1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
QUESTION = "Vem ska säkerhetsprövas?"


@pytest.fixture(scope="module")
def ops_app(small_settings: Settings, small_assistant, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:  # type: ignore[no-untyped-def]
    settings = small_settings.replace(data_dir=tmp_path_factory.mktemp("ops-data"), admin_token=TOKEN)
    return create_app(settings, assistant=small_assistant)


@pytest.fixture
def ops(ops_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(ops_app) as c:
        yield c


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text, 0 when absent."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] == name and all(f'{k}="{v}"' in head for k, v in labels.items()):
            return float(value)
    return 0.0


def test_readyz_says_ready_with_an_index_and_a_database(ops: TestClient) -> None:
    r = ops.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["database"] == "sqlite", r.text


def test_readyz_is_503_without_an_index(small_settings: Settings, tmp_path: Path) -> None:
    settings = small_settings.replace(index_dir=tmp_path / "no-index", data_dir=tmp_path / "data", index_poll=0.0)
    with TestClient(create_app(settings)) as client:
        r = client.get("/readyz")
        assert r.status_code == 503 and any("No index" in p for p in r.json()["problems"]), r.text


def test_metrics_count_requests_by_route_answers_and_the_index(ops: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    before = ops.get("/metrics").text
    assert ops.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert ops.post("/api/ask", json={"question": "Hur bakar man surdegsbröd med råg?"}).status_code == 200
    assert ops.get("/c/sfs-2018-585/2:1").status_code == 200
    assert ops.get("/c/sfs-2018-585/no-such").status_code == 404
    r = ops.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    after = r.text

    def grew(name: str, **labels: str) -> float:
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert grew("vagvisare_requests_total", route="/api/ask", method="POST", status="200") == 2
    assert grew("vagvisare_requests_total", route="/c/{doc_id}/{locator:path}", status="200") == 1
    assert grew("vagvisare_requests_total", route="/c/{doc_id}/{locator:path}", status="404") == 1
    assert "sfs-2018-585/2:1" not in after, "routes by pattern, never raw paths"
    assert grew("vagvisare_answers_total", outcome="answered") + grew("vagvisare_answers_total",
                                                                      outcome="abstained") == 2
    assert grew("vagvisare_answer_seconds_count") == 2
    assert _metric(after, "vagvisare_index_info", version=small_assistant.index_version) == 1
    assert "vagvisare_database_errors_total 0.0" in after and "vagvisare_questions_waiting" in after


def test_every_response_has_a_request_id_and_a_plain_one_is_kept(ops: TestClient) -> None:
    first, second = ops.get("/healthz"), ops.get("/healthz")
    assert first.headers["x-request-id"] and first.headers["x-request-id"] != second.headers["x-request-id"]
    assert ops.get("/healthz", headers={"X-Request-ID": "lb-42.a"}).headers["x-request-id"] == "lb-42.a"
    odd = ops.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["x-request-id"]
    assert odd != "<script>", "only a plain token is echoed"


@pytest.mark.parametrize("log_questions", [False, True])
def test_json_logs_carry_the_request_id_and_no_question_unless_allowed(
        small_settings: Settings, small_assistant, tmp_path: Path, log_questions: bool) -> None:  # type: ignore[no-untyped-def]
    settings = small_settings.replace(data_dir=tmp_path, log_format="json", log_questions=log_questions)
    out = io.StringIO()
    h = handler(settings)
    assert isinstance(h, logging.StreamHandler)
    h.setStream(out)
    root, ours = logging.getLogger(), logging.getLogger("web")  # the command line sets "web"'s level
    root.addHandler(h)
    levels = root.level, ours.level
    root.setLevel(logging.INFO)
    ours.setLevel(logging.INFO)
    try:
        with TestClient(create_app(settings, assistant=small_assistant)) as client:
            r = client.post("/api/ask", json={"question": "Vem ska säkerhetsprövas enligt lagen?"})
    finally:
        root.removeHandler(h)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])
    lines = [json.loads(line) for line in out.getvalue().splitlines()]  # every line is one JSON object
    rid = r.headers["x-request-id"]
    mine = [line for line in lines if line.get("request_id") == rid]
    assert {line["message"] for line in mine} >= {"answer", "request"}, lines
    access = next(line for line in mine if line["message"] == "request")
    assert access["route"] == "/api/ask" and access["status"] == 200 and access["method"] == "POST"
    logged = out.getvalue()
    assert ("säkerhetsprövas enligt lagen" in logged) is log_questions, "questions only with LOG_QUESTIONS=1"


def test_settings_refuse_a_proxy_that_is_not_an_address(tmp_path: Path) -> None:
    assert load_settings(environ={"VAGVISARE_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"}).trusted_proxies
    with pytest.raises(ConfigError, match="not an address"):
        load_settings(environ={"VAGVISARE_TRUSTED_PROXIES": "proxy.example"})
    with pytest.raises(ConfigError):
        load_settings(environ={"VAGVISARE_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError):
        load_settings(environ={"VAGVISARE_INDEX_POLL": "-1"})


# ------------------------------------------------------------------------------ GET /api/admin/feedback
def test_feedback_listing_needs_the_token_and_filters(ops: TestClient) -> None:
    assert ops.get("/api/admin/feedback").status_code == 401
    assert ops.get("/api/admin/feedback", headers={"Authorization": "Bearer wrong-token-123456"}).status_code == 401
    answer = ops.post("/api/ask", json={"question": QUESTION}).json()
    cited = answer["citations"][0]["clause_id"]
    up = ops.post("/api/feedback", json={"question": QUESTION, "answer": answer, "rating": "up"}).json()["id"]
    wrong = ops.post("/api/feedback", json={"question": QUESTION, "answer": answer, "rating": "down",
                                            "wrong_clause_id": cited, "comment": "fel paragraf"}).json()["id"]
    listed = ops.get("/api/admin/feedback", headers=AUTH)
    assert listed.status_code == 200, listed.text
    ids = [i["id"] for i in listed.json()["items"]]
    assert {up, wrong} <= set(ids) and listed.json()["count"] == len(ids)
    item = next(i for i in listed.json()["items"] if i["id"] == wrong)
    assert item["wrong_clause_id"] == cited and item["comment"] == "fel paragraf" and item["rating"] == "down"

    def ids_for(**params: str) -> set[int]:
        r = ops.get("/api/admin/feedback", headers=AUTH, params=params)
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["items"]}

    assert up not in ids_for(rating="down") and wrong in ids_for(rating="down")
    assert ids_for(wrong_citation="true") >= {wrong} and up not in ids_for(wrong_citation="true")
    assert not ids_for(since="2999-01-01") and {up, wrong} <= ids_for(since="2000-01-01T00:00:00+01:00")
    bad = ops.get("/api/admin/feedback", headers=AUTH, params={"since": "yesterday"})
    assert bad.status_code == 422 and "ISO 8601" in bad.json()["hint"]
    assert ops.get("/api/admin/feedback", headers=AUTH, params={"rating": "meh"}).status_code == 422


# ------------------------------------------------------------------------------ following the published index
@pytest.fixture(scope="module")
def published(small_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest.pipeline import build_index

    base = tmp_path_factory.mktemp("published")
    settings = small_settings.replace(index_dir=base / "index", data_dir=base / "data", index_poll=0.0)
    build_index(settings)
    return settings


def test_a_replica_swaps_in_a_published_index_and_keeps_the_old_one_if_the_new_is_broken(
        published: Settings) -> None:
    from core.store import builds_dir, swap_in
    from ingest.pipeline import build_index

    app = create_app(published)
    with TestClient(app) as client:
        first = client.get("/healthz").json()["index_version"]
        assert follow(app) is False, "nothing new published"
        report = build_index(published, rebuild=True)
        assert client.get("/healthz").json()["index_version"] == first, "not before the check"
        assert follow(app) is True
        assert client.get("/healthz").json()["index_version"] == report.index_version
        assert client.post("/api/ask", json={"question": QUESTION}).json()["index_version"] == report.index_version

        good = published.index_dir.resolve()
        broken = builds_dir(published.index_dir) / "zz-broken"
        shutil.copytree(good, broken)
        manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
        manifest["index_version"] = "broken-version"
        (broken / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        (broken / "dense.faiss").write_bytes(b"not a faiss index")
        swap_in(published.index_dir, broken)
        try:
            assert follow(app) is False
            health = client.get("/healthz")
            assert health.status_code == 200 and health.json()["index_version"] == report.index_version, \
                "the old index keeps serving"
            assert health.json()["published"]["version"] == "broken-version"
            assert "damaged" in health.json()["published"]["error"], "says why"
            assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
            metrics = client.get("/metrics").text
            assert _metric(metrics, "vagvisare_index_loads_total", result="failed") == 1
            assert follow(app) is False and _metric(client.get("/metrics").text, "vagvisare_index_loads_total",
                                                    result="failed") == 1, "a broken version is tried once"
        finally:
            swap_in(published.index_dir, good)
        follow(app)
        assert "published" not in client.get("/healthz").json(), "recovered: the good one is served again"


def test_a_served_replica_with_json_logs_writes_only_json_and_no_question(small_settings: Settings,
                                                                         tmp_path: Path) -> None:
    from live_server import LiveServer

    settings = small_settings.replace(data_dir=tmp_path / "data")
    log = tmp_path / "server.log"
    with LiveServer(settings, log, log_format="json", log_level="INFO", index_poll=0) as server:
        import httpx

        r = httpx.get(server.url + "/", params={"q": "Hemlig fråga om Anna"})
        assert r.status_code == 200
        httpx.post(server.url + "/api/ask", json={"question": "Hemlig fråga om Anna"})
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises on any line that is not JSON
    assert any(rec.get("request_id") == r.headers["x-request-id"] and rec.get("route") == "/" for rec in records)
    assert "Hemlig" not in log.read_text(encoding="utf-8"), "no question text in the logs (personal data)"


def test_questions_waiting_for_the_model_are_read_from_the_batching_queue() -> None:
    import queue
    from types import SimpleNamespace

    from web.metrics import Metrics

    waiting: queue.SimpleQueue[str] = queue.SimpleQueue()
    for q in ("a", "b", "c"):
        waiting.put(q)
    bot = SimpleNamespace(index_version="v7", embedder=SimpleNamespace(_queue=waiting))
    state = SimpleNamespace(assistant=bot, store=SimpleNamespace(db=SimpleNamespace(errors=2)))
    text = Metrics(SimpleNamespace(state=state)).text().decode()  # type: ignore[arg-type]
    assert "vagvisare_questions_waiting 3.0" in text and "vagvisare_database_errors_total 2.0" in text
    assert 'vagvisare_index_info{version="v7"} 1.0' in text and "vagvisare_index_loaded 1.0" in text
