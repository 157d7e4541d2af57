"""The chat's refusals in process: in the page's language, with the question kept; history and HEAD."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_helpers import ask, csrf_token

from web.app import create_app

QUESTION = "Vem ska göra en säkerhetsskyddsanalys?"


def test_an_expired_form_gets_a_renewed_token_and_keeps_the_question(client: TestClient) -> None:
    csrf_token(client)
    client.cookies.clear()
    r = client.post("/ask", data={"question": QUESTION, "csrf": "stale.token"},
                    headers={"HX-Request": "true", "HX-Trigger": "ask"})
    assert r.status_code == 403 and r.headers["hx-retarget"] == "#ask-error"
    renewed = r.headers["x-csrf-token"]
    assert renewed and "vv_csrf=" + renewed in r.headers["set-cookie"], "the script sends it again with this"
    again = client.post("/ask", data={"question": QUESTION, "csrf": renewed},
                        headers={"HX-Request": "true", "HX-Trigger": "ask", "X-CSRF-Token": renewed})
    assert again.status_code == 200 and again.text.lstrip().startswith("<article")
    client.cookies.clear()
    plain = client.post("/ask", data={"question": QUESTION, "csrf": "stale.token"})
    assert plain.status_code == 403 and "Formuläret har gått ut" in plain.text
    assert QUESTION in plain.text.split('id="question"')[1], "without script the page comes back with the question"


def test_rate_limited_says_how_many_seconds(web_settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(web_settings.replace(rate_limit=1), assistant=small_assistant)) as c:
        assert ask(c, QUESTION).status_code == 200
        r = ask(c, QUESTION)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert f"Vänta {r.headers['retry-after']} sekunder" in r.text and r.headers["hx-retarget"] == "#ask-error"
        plain = ask(c, QUESTION, htmx=False)
        assert plain.status_code == 429 and QUESTION in plain.text.split('id="question"')[1]


def test_too_large_and_server_errors_in_the_page_language(web_settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(web_settings.replace(max_body_bytes=2048), assistant=small_assistant)) as c:
        r = c.post("/ask", data={"question": "x" * 5000, "csrf": csrf_token(c)},
                   headers={"HX-Request": "true", "HX-Trigger": "ask"})
        assert r.status_code == 413 and "för stort" in r.text and r.headers["hx-retarget"] == "#ask-error"
        assert c.post("/api/ask", json={"question": "x" * 5000}).json()["error"].startswith("The request body"), \
            "the JSON API keeps its English message"


def test_the_chat_passes_its_conversation_and_shows_how_a_follow_up_was_read(client: TestClient) -> None:
    ask(client, QUESTION)
    follow = ask(client, "Gäller det även för dem?")
    assert follow.status_code == 200 and 'class="interpreted"' in follow.text and "Tolkad som:" in follow.text
    link = re.search(r'class="ask-link" href="([^"]+)" data-ask="([^"]+)" data-standalone="1"', follow.text)
    assert link and "alone=1" in link.group(1)
    page = client.get(link.group(1).replace("&amp;", "&"))
    assert 'name="standalone" value="1"' in page.text, "without script the link fills the box to ask it alone"
    alone = ask(client, "Gäller det även för dem?", standalone="1")
    assert 'class="interpreted"' not in alone.text, "asked as a question of its own it stands alone"


def test_api_history_and_interpreted_as(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": QUESTION}).json()
    assert first["interpreted_as"] is None, "a first question stood alone"
    follow = client.post("/api/ask", json={"question": "Gäller det även för dem?", "history": [QUESTION]}).json()
    assert follow["interpreted_as"] and follow["interpreted_as"].startswith("Gäller det även för dem? (")
    hits = client.post("/api/search", json={"question": "Gäller det även för dem?", "history": [QUESTION]})
    assert hits.status_code == 200 and hits.json()["hits"]
    too_many = client.post("/api/ask", json={"question": "Och då?", "history": ["q"] * 11})
    assert too_many.status_code == 422 and "history" in too_many.json()["error"]
    empty = client.post("/api/ask", json={"question": "Och då?", "history": [" "]})
    assert empty.status_code == 422 and "history[0]" in empty.json()["error"]


def test_head_and_a_malformed_language_choice(client: TestClient) -> None:
    assert client.head("/").status_code == 200
    assert client.head("/c/sfs-2018-585/2:1").status_code == 200
    r = client.get("/?lang=xx")
    assert r.status_code == 200 and '<html lang="sv">' in r.text


def test_english_sources_and_unique_ids_per_answer(client: TestClient) -> None:
    english = client.get("/sources?lang=en").text
    assert "t.o.m." not in english and "up to and including SFS" in english, "English words on the English page"
    assert "t.o.m. SFS" in client.get("/sources?lang=sv").text
    ask(client, QUESTION)
    ask(client, "Vad är en säkerhetsskyddsanalys?")
    page = client.get("/").text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), f"every element id is unique: {sorted({i for i in ids if ids.count(i) > 1})}"
    shown = re.sub(r'<pre class="copy-source"[^>]*hidden>.*?</pre>', "", page, flags=re.S)  # the copy's text
    assert shown.count("Skriv inte personnummer") == 1, "the privacy reminder once per page, beside the box"
    assert page.count('<details class="evidence">') == 2 and "<details class=\"evidence\" open" not in page, \
        "the quotes appear once: the evidence is collapsed"
