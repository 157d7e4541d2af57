"""The chat page, asking (htmx fragment and plain form), conversations, feedback and share links."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_helpers import ask, csrf_token

from assistant.feedback import Store
from web.app import create_app

QUESTION = "Vem ska göra en säkerhetsskyddsanalys?"


def test_chat_page_has_the_question_form_and_no_conversation_yet(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in page.text, "Swedish is the default interface language"
    assert 'id="question"' in page.text and '<label for="question">' in page.text, "label the box"
    assert 'role="log"' in page.text and 'aria-live="polite"' in page.text, "new answers must be announced"
    assert 'class="message' not in page.text, "a new visitor has no conversation yet"
    assert 'name="docs"' in page.text and 'name="kinds"' in page.text, "document and kind filters are offered"


def test_asking_with_htmx_returns_only_the_answer_fragment(client: TestClient) -> None:
    r = ask(client, QUESTION)
    assert r.status_code == 200
    assert r.text.lstrip().startswith("<article"), "htmx gets the fragment, not a whole page"
    assert "<html" not in r.text and "<head" not in r.text
    assert QUESTION in r.text
    assert re.search(r'<a class="cite" href="/c/[^"]+\?hl=\d+-\d+[^"]*" data-cite="1"', r.text), \
        "the answer carries citation markers linking to the highlighted clause"
    assert 'data-evidence="1"' in r.text, "the evidence panel lists the cited clause for the marker's preview"
    assert re.search(r'class="tag tag--law">(lag|förordning)</span>', r.text), "binding level shown"
    assert re.search(r"i lydelse t\.o\.m\. SFS \d{4}:\d+", r.text), "consolidation shown"
    assert re.search(r'href="/s/[\w-]+"', r.text), "every answer has a share link"
    assert 'name="rating" value="up"' in r.text and 'name="wrong_clause_id"' in r.text, "feedback form"
    assert "vv_conv" in r.cookies, "the first question starts a conversation kept in a cookie"
    assert "embed;dur=" in r.headers["server-timing"], "the answer's timings for the browser's dev tools"


def test_plain_form_post_redirects_and_the_conversation_survives_reload(client: TestClient) -> None:
    r = ask(client, QUESTION, htmx=False)
    assert r.status_code == 303, "without JS the form posts and redirects (post/redirect/get)"
    assert r.headers["location"].startswith("/#m-")
    ask(client, "Vad är säkerhetsskydd?", htmx=False)
    page = client.get("/").text
    first, second = page.find(QUESTION), page.find("Vad är säkerhetsskydd?")
    assert 0 < first < second, "a reload shows every past answer, oldest first"
    assert page.count('<article class="message') == 2


def test_a_question_in_the_link_is_put_in_the_box(client: TestClient) -> None:
    page = client.get("/?q=Vem+ska+s%C3%A4kerhetspr%C3%B6vas%3F")
    assert ">Vem ska säkerhetsprövas?</textarea>" in page.text


def test_new_conversation_starts_empty(client: TestClient) -> None:
    ask(client, QUESTION)
    r = client.post("/new", data={"csrf": csrf_token(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert 'class="message' not in client.get("/").text, "a new conversation shows no earlier answers"


def test_a_question_with_markup_is_shown_as_text(client: TestClient) -> None:
    r = ask(client, "<script>alert(1)</script> <b>säkerhetsskydd</b>?")
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text and "<b>säkerhetsskydd" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, "the question is escaped, not executed"
    page = client.get("/").text
    assert "<script>alert" not in page, "the stored question stays escaped on reload"


def test_empty_question_gets_a_clear_422_in_the_form(client: TestClient) -> None:
    r = ask(client, "   ")
    assert r.status_code == 422
    assert r.headers["hx-retarget"] == "#ask-error", "htmx shows the error beside the question box"
    assert "Skriv en fråga först." in r.text and "<html" not in r.text, "said in the page's language"
    r = ask(client, "", htmx=False)
    assert r.status_code == 422
    assert '<form id="ask"' in r.text and "Skriv en fråga först." in r.text, "no JS: page + error"
    client.cookies.set("vv_lang", "en")
    r = ask(client, "   ")
    assert r.status_code == 422 and "Write a question first." in r.text, "an English page says it in English"


def test_overlong_question_gets_422_and_is_kept_for_editing(client: TestClient) -> None:
    r = ask(client, "säkerhetsskydd " * 100, htmx=False)
    assert r.status_code == 422
    assert "1\u00a0500 av högst 1\u00a0000 tecken" in r.text, "the count, not a silent cut"
    assert "säkerhetsskydd säkerhetsskydd" in r.text, "the question is put back in the box to shorten it"
    assert "maxlength" not in r.text.split('id="question"')[1].split(">")[0], "the box never cuts a paste short"


def test_unknown_filters_get_422(client: TestClient) -> None:
    r = ask(client, QUESTION, kinds="lag")
    assert r.status_code == 422 and "Unknown kind(s) of source: lag" in r.text
    r = ask(client, QUESTION, docs="sfs-9999-1")
    assert r.status_code == 422 and "sfs-9999-1" in r.text


def test_document_filter_limits_the_citations(client: TestClient) -> None:
    r = ask(client, QUESTION, docs="sfs-2021-955")
    assert r.status_code == 200
    cited = re.findall(r'<a class="cite" href="/c/([^/]+)/', r.text)
    assert cited and set(cited) == {"sfs-2021-955"}, "only the chosen document is cited"
    assert 'value="sfs-2021-955" selected' in client.get("/").text, "filter kept"


def test_abstention_looks_different(small_settings, web_settings) -> None:  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    strict = Assistant.load(small_settings.replace(abstain_threshold=10.0))
    with TestClient(create_app(web_settings, assistant=strict)) as c:
        r = ask(c, "Vad kostar en pizza i Rom?")
    assert r.status_code == 200
    assert 'class="message message--abstained"' in r.text
    assert "Inget säkert svar i källorna" in r.text, "an abstention is labelled as one"
    assert 'class="cite"' not in r.text, "an abstention cites nothing"


def test_feedback_is_stored_with_question_answer_citations_and_version(client: TestClient, web_settings,
                                                                        small_assistant) -> None:  # type: ignore[no-untyped-def]
    fragment = ask(client, QUESTION).text
    share_id = re.search(r'name="share_id" value="([\w-]+)"', fragment).group(1)  # type: ignore[union-attr]
    clause_id = re.search(r'<option value="([^"]+#[^"]+)">\[1\]', fragment).group(1)  # type: ignore[union-attr]
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": share_id, "rating": "down",
                                       "wrong_clause_id": clause_id, "comment": "Fel paragraf"},
                    headers={"HX-Request": "true", "HX-Trigger": f"fb-{share_id}"})
    assert r.status_code == 200 and "Tack!" in r.text and "<html" not in r.text
    restarted = Store(web_settings.data_dir)  # a new connection, as after a restart
    saved = [f for f in restarted.feedback() if f.comment == "Fel paragraf"]
    assert len(saved) == 1, "feedback is committed and survives a restart"
    f = saved[0]
    assert f.rating == "down" and f.wrong_clause_id == clause_id and f.question == QUESTION
    assert f.index_version == small_assistant.index_version and f.citations[0]["clause_id"] == clause_id
    assert "[1]" in f.answer_text


def test_feedback_without_js_and_bad_feedback(client: TestClient) -> None:
    fragment = ask(client, QUESTION).text
    share_id = re.search(r'name="share_id" value="([\w-]+)"', fragment).group(1)  # type: ignore[union-attr]
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": share_id,
                                       "wrong_clause_id": "sfs-2018-585#9:99"},
                    headers={"HX-Request": "true", "HX-Trigger": f"fb-{share_id}"})
    assert r.status_code == 422 and r.headers["hx-retarget"] == f"#fb-{share_id}-error"
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": share_id, "rating": "up"})
    assert r.status_code == 200 and "<html" in r.text and f"/#m-{share_id}" in r.text, \
        "refused feedback does not use up the answer's vote"
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": share_id, "rating": "down"},
                    headers={"HX-Request": "true", "HX-Trigger": f"fb-{share_id}"})
    assert r.status_code == 409 and "redan lämnat återkoppling" in r.text, "one vote per answer, on the server"
    assert "Återkoppling lämnad" in client.get("/").text, "the page shows the vote as given after a reload"
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": "nope"})
    assert r.status_code == 404


def test_share_link_reproduces_the_answer_read_only(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    fragment = ask(client, QUESTION).text
    share_id = re.search(r'href="/s/([\w-]+)"', fragment).group(1)  # type: ignore[union-attr]
    with TestClient(app) as stranger:  # no cookies: anyone with the link
        page = stranger.get(f"/s/{share_id}")
    assert page.status_code == 200
    answer_html = re.search(r'<div class="message__answer">(.*?)</div>\s*<details class="evidence"', fragment,
                            re.S).group(1)  # type: ignore[union-attr]
    assert answer_html in page.text, "the shared page shows the stored answer exactly"
    assert 'name="rating"' not in page.text, "a shared answer is read-only"
    assert stranger.get("/s/no-such-link").status_code == 404
