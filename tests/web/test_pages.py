"""Clause, document and sources pages; language; error pages; the app without an index."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from web.app import create_app


def test_clause_page_highlights_the_quoted_spans(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    clause = small_assistant.clause("sfs-2018-585", "2:1")
    page = client.get("/c/sfs-2018-585/2:1?hl=0-40,60-80")
    assert page.status_code == 200
    marks = re.findall(r"<mark>(.*?)</mark>", page.text)
    assert marks == [clause.text[0:40], clause.text[60:80]], "exactly the spans in the link are highlighted"
    text = page.text
    assert "2 kap. Grundläggande bestämmelser om säkerhetsskydd" in text, "the heading path is shown"
    assert "Föregående" in text and 'href="/c/sfs-2018-585/1:5"' in text, "the previous clause, linked"
    assert "Nästa" in text and 'href="/c/sfs-2018-585/2:2"' in text, "the next clause, linked"
    assert "gällande" in text, "the status is shown"
    assert "i lydelse t.o.m. SFS 2025:1472" in text, "the consolidation level is shown"
    assert "Lag (2021:952)" in text, "the amending act is shown"
    assert 'href="https://rkrattsbaser.gov.se/sfst?bet=2018:585"' in text, "a link to the official source"
    assert 'data-copy-text="Säkerhetsskyddslag (2018:585) 2 kap. 1 §"' in text, "a copy-citation button"
    assert text.count('<p id="stycke-') == len([u for u in clause.units if u.kind == "stycke"]), \
        "each stycke is its own anchored paragraph"


def test_clause_page_for_another_wording_shows_dates_and_the_other_wording(client: TestClient) -> None:
    page = client.get("/c/sfs-2018-585/3:19@2026-03-01")
    assert page.status_code == 200
    assert "upphörd" in page.text and "2026-03-01" in page.text, "status and validity dates of the wording"
    assert 'href="/c/sfs-2018-585/3:19"' in page.text, "the wording in force is linked"
    assert "clause clause--inactive" in page.text


def test_clause_page_shows_the_parallel_language_clause(client: TestClient, small_assistant,
                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    doc = small_assistant.index.documents["sfs-2018-585"]
    # No act of the corpus has a parallel language version yet; pretend SSL were its own parallel.
    monkeypatch.setattr(doc, "source", replace(doc.source, parallel="sfs-2018-585"))
    page = client.get("/c/sfs-2018-585/2:1")
    assert 'class="parallel"' in page.text and "Samma bestämmelse på svenska" in page.text
    assert page.text.count('href="/c/sfs-2018-585/2:1"') >= 1


def test_clause_page_bad_input(client: TestClient) -> None:
    r = client.get("/c/sfs-2018-585/2:1?hl=abc")
    assert r.status_code == 200 and "<mark>" not in r.text, "a malformed highlight is ignored, not an error page"
    r = client.get("/c/sfs-2018-585/2:1?hl=abc,0-20")
    assert r.status_code == 200 and r.text.count("<mark>") == 1, "the well-formed spans of a list are kept"
    r = client.get("/c/sfs-2018-585/2:1?hl=5-999999")
    assert r.status_code == 200 and "<mark>" in r.text, "a span past the end is clipped, not an error"
    r = client.get("/c/sfs-2018-585/99:1")
    assert r.status_code == 404 and "has no clause" in r.text and "Traceback" not in r.text
    assert 'href="/' in r.text, "the error page links back"
    r = client.get("/c/no-such-doc/1")
    assert r.status_code == 404 and "No document" in r.text


def test_document_page_has_contents_and_every_clause_anchored(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    doc, clauses = small_assistant.document("sfs-2018-585")
    page = client.get("/d/sfs-2018-585")
    assert page.status_code == 200
    assert "Innehåll" in page.text
    for c in clauses:
        assert f'<section id="{c.locator}" class="clause' in page.text, f"{c.clause_id} must be anchored"
        assert f'href="#{c.locator}"' in page.text, f"{c.clause_id} must be in the table of contents"
    inactive = [c for c in clauses if c.status != "in_force"]
    assert inactive, "the fixture law has repealed sections"
    for c in inactive:
        assert f'<section id="{c.locator}" class="clause clause--inactive"' in page.text, "greyed"
    assert client.get("/d/nope").status_code == 404


def test_sources_page_lists_every_document(client: TestClient, small_assistant) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/sources")
    assert page.status_code == 200
    for doc_id in small_assistant.index.documents:
        assert f'href="/d/{doc_id}"' in page.text


@pytest.mark.parametrize(("headers", "query", "expected"), [
    ({}, "", "sv"),
    ({"Accept-Language": "en-GB,en;q=0.9"}, "", "en"),
    ({"Accept-Language": "de-DE,en;q=0.5,sv;q=0.8"}, "", "sv"),
    ({"Accept-Language": "en"}, "?lang=sv", "sv"),
    ({}, "?lang=en", "en"),
    ({}, "?lang=xx", "sv"),
])
def test_interface_language(client: TestClient, headers: dict[str, str], query: str, expected: str) -> None:
    page = client.get("/" + query, headers=headers)
    assert f'<html lang="{expected}">' in page.text


def test_language_choice_is_remembered(client: TestClient) -> None:
    r = client.get("/sources?lang=en")
    assert "Sources" in r.text and r.cookies.get("vv_lang") == "en"
    page = client.get("/", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in page.text, "the chosen language beats Accept-Language"
    assert 'href="/?lang=sv"' in page.text, "a switch back to Swedish"


def test_unknown_route_is_a_friendly_404(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Sidan finns inte" in r.text and "<html" in r.text
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"]


def test_unexpected_errors_show_no_stack_trace(app, small_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(small_assistant, "search", broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/search", json={"question": "säkerhetsskydd"})
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert r.json()["error"] == "An unexpected error occurred."


def test_without_an_index_pages_and_health_say_to_run_ingest(web_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = web_settings.replace(index_dir=tmp_path / "missing", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as c:
        health = c.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "no-index" and "vagvisare ingest" in health.json()["hint"]
        page = c.get("/")
        assert page.status_code == 503 and "Inget index ännu" in page.text
        assert "<code>vagvisare ingest</code>" in page.text, "the command to run is shown as code"
        api = c.post("/api/ask", json={"question": "Vem ska säkerhetsprövas?"})
        assert api.status_code == 503 and "vagvisare ingest" in api.json()["hint"]
        assert c.get("/static/app.css").status_code == 200, "static files are served all the same"


def test_lifespan_loads_the_index_from_settings(web_settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(web_settings)) as c:
        health = c.get("/healthz").json()
    assert health["status"] == "ok" and health["index_version"] == small_assistant.index_version
    assert health["documents"] == 4


def test_api_page_lists_the_endpoints_without_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    for path in ("/api/ask", "/api/search", "/api/clauses/{doc_id}/{locator}", "/api/sources",
                 "/api/feedback", "/healthz"):
        assert path in page.text, f"{path} is documented"
    assert "cdn" not in page.text.lower() and 'href="/openapi.json"' in page.text
    schema = client.get("/openapi.json").json()
    assert "/api/ask" in schema["paths"] and "/" not in schema["paths"], "only the API is in the schema"


def test_the_interface_words_come_from_the_catalogue_in_both_languages() -> None:
    from web.i18n import messages, strings

    keys = set(messages().keys())
    with_args = {k for k in keys if messages().args(k)}
    assert set(strings("sv")) == set(strings("en")) == keys - with_args, \
        "every word in both languages"
    assert strings("sv")["send"] == "Skicka" and strings("en")["send"] == "Send"
    assert strings("fr") == strings("sv"), "another language gets the Swedish interface"
