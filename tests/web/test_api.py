"""The JSON API: answers, search, clauses, sources, feedback, health; validated input with clear 422s."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.feedback import Store

QUESTION = "Vem ska säkerhetsprövas?"


def test_ask_returns_the_answer_json(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"question", "text", "html", "citations", "related", "abstained", "lang",
                         "index_version", "timings"}
    assert body["index_version"] == small_assistant.index_version and body["lang"] == "sv"
    c = body["citations"][0]
    assert set(c) >= {"n", "clause_id", "doc_id", "label", "title", "quote", "highlights", "score",
                      "permalink"}
    assert c["permalink"].startswith(f"/c/{c['doc_id']}/")


def test_ask_with_filters_and_language(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": QUESTION, "lang": "en", "docs": ["sfs-2021-955"]})
    assert r.status_code == 200
    body = r.json()
    assert body["lang"] == "en"
    assert {c["doc_id"] for c in body["citations"]} <= {"sfs-2021-955"}
    r = client.post("/api/ask", json={"question": QUESTION, "kinds": ["ordinance"]})
    assert {c["doc_id"] for c in r.json()["citations"]} <= {"sfs-2021-955"}, "only ordinances"


def test_ask_rejects_bad_input_with_clear_422s(client: TestClient) -> None:
    cases = [
        ({"question": "  "}, "The question is empty."),
        ({"question": "x" * 1001}, "the limit is 1000"),
        ({}, "question: is required"),
        ({"question": QUESTION, "lang": "de"}, "lang"),
        ({"question": QUESTION, "kinds": ["lag"]}, "kinds.0"),
        ({"question": QUESTION, "docs": ["sfs-9999-1"]}, "Unknown document(s): sfs-9999-1."),
        ({"question": QUESTION, "filters": {"doc": "x"}}, "unknown field 'filters'"),
        ({"question": 42}, "question"),
    ]
    for body, expected in cases:
        r = client.post("/api/ask", json=body)
        assert r.status_code == 422, f"{body} must be refused with 422, got {r.status_code}"
        error = r.json()["error"]
        assert expected in error, f"{body}: {error!r} should say {expected!r}"
        assert "Traceback" not in r.text


def test_api_posts_need_json(client: TestClient) -> None:
    r = client.post("/api/ask", data={"question": QUESTION})
    assert r.status_code == 415 and "application/json" in r.json()["hint"]
    r = client.post("/api/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "not valid JSON" in r.json()["error"]


def test_search_returns_ranked_hits(client: TestClient) -> None:
    r = client.post("/api/search", json={"question": "säkerhetsskyddsanalys", "k": 5})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 0 < len(hits) <= 5
    assert all(set(h) >= {"clause_id", "doc_id", "label", "score", "text"} for h in hits)
    scores = [h["score"] for h in hits if h["via"] == "search"]
    assert scores == sorted(scores, reverse=True), "hits are ranked"
    r = client.post("/api/search", json={"question": "säkerhetsskyddsanalys", "k": 0})
    assert r.status_code == 422 and "out of range" in r.json()["error"]
    r = client.post("/api/search", json={"question": "säkerhetsskydd", "docs": ["sfs-2021-955"]})
    assert {h["doc_id"] for h in r.json()["hits"]} == {"sfs-2021-955"}


def test_clause_endpoint(client: TestClient) -> None:
    r = client.get("/api/clauses/sfs-2018-585/2:1")
    assert r.status_code == 200
    body = r.json()
    assert body["clause_id"] == "sfs-2018-585#2:1"
    assert body["citation"] == "Säkerhetsskyddslag (2018:585) 2 kap. 1 §"
    assert body["previous"] == "sfs-2018-585#1:5" and body["next"] == "sfs-2018-585#2:2"
    assert body["as_of"] == "t.o.m. SFS 2025:1472" and body["text"]
    r = client.get("/api/clauses/sfs-2018-585/3:19@2026-03-01")
    assert r.status_code == 200 and r.json()["status"] == "expired"
    r = client.get("/api/clauses/sfs-2018-585/99:1")
    assert r.status_code == 404 and "has no clause" in r.json()["error"]


def test_sources_endpoint(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/sources")
    assert r.status_code == 200
    rows = {s["doc_id"]: s for s in r.json()}
    assert set(rows) == set(small_assistant.index.documents)
    assert rows["sfs-2018-585"]["binding"] == "law" and rows["sfs-2018-585"]["indexed"] is True


def test_feedback_endpoint(client: TestClient, web_settings) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    wrong = answer["citations"][0]["clause_id"]
    r = client.post("/api/feedback", json={"question": QUESTION, "answer": answer, "rating": "down",
                                           "wrong_clause_id": wrong, "comment": "api-feedback"})
    assert r.status_code == 201 and r.json()["id"] > 0
    saved = [f for f in Store(web_settings.data_dir).feedback() if f.comment == "api-feedback"]
    assert saved and saved[0].wrong_clause_id == wrong and saved[0].index_version == answer["index_version"]
    r = client.post("/api/feedback", json={"rating": "up"})
    assert r.status_code == 422 and "names no answer" in r.json()["error"]
    r = client.post("/api/feedback", json={"question": QUESTION, "answer": answer})
    assert r.status_code == 422 and "empty" in r.json()["error"]
    r = client.post("/api/feedback", json={"share_id": "nope", "rating": "up"})
    assert r.status_code == 404


def test_health(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "index_version": small_assistant.index_version,
                        "built_at": small_assistant.index.manifest.get("built_at"), "documents": 4,
                        "clauses": len(small_assistant.index.clauses)}
