"""End-to-end in a real headless Chromium: Debian's /usr/bin/chromium driven by Playwright, no download.

A real uvicorn server on a free loopback port serves the whole corpus with the real model.
Screenshots are kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.feedback import Store
from core.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]
QUESTION = "Vem ska göra en säkerhetsskyddsanalys?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser_settings(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return real_settings.replace(data_dir=tmp_path_factory.mktemp("browser-data"))


@pytest.fixture(scope="module")
def server(browser_settings: Settings, real_assistant: Any) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    app = create_app(browser_settings, assistant=real_assistant)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("No /usr/bin/chromium: run `make browser` (Debian's chromium and chromium-driver).")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        # launch() gives every run a fresh, temporary user-data directory.
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, viewport={"width": 1100, "height": 900}, locale="sv-SE")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()
    assert not problems, f"the browser reported errors (CSP violations show up here): {problems}"


def _ask(page: Any, question: str) -> Any:
    before = page.locator("#conversation .message").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_function("n => document.querySelectorAll('#conversation .message').length > n", arg=before)
    return page.locator("#conversation .message").last


def test_ask_see_the_cited_answer_preview_a_citation_and_open_the_highlighted_clause(page: Any) -> None:
    page.goto("/")
    message = _ask(page, QUESTION)
    assert QUESTION in message.locator(".message__question").inner_text()
    assert page.input_value("#question") == "", "the box is cleared for the next question"
    cite = message.locator("a.cite").first
    cite.wait_for()
    assert message.locator(".evidence li").count() >= 1, "the evidence panel lists the cited clauses"
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)

    quote = message.locator(".evidence li").first.locator(".evidence__quote").inner_text()
    cite.hover()
    tip = page.locator("#cite-tip")
    tip.wait_for(state="visible")
    assert quote[:60] in tip.inner_text(), "hovering the marker previews the quoted clause"
    assert cite.get_attribute("aria-describedby") == "cite-tip"
    page.screenshot(path=str(ARTIFACTS / "citation-preview.png"))
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    cite.focus()
    tip.wait_for(state="visible")  # keyboard users get the same preview

    href = cite.get_attribute("href")
    assert href and "?hl=" in href
    cite.click()
    page.wait_for_url("**/c/**")
    marks = page.locator(".clause mark")
    marks.first.wait_for()
    highlighted = " ".join(marks.all_inner_texts())
    first_words = quote.split(" […] ")[0].split("\n")[0][:40]
    assert first_words in highlighted, "the clause page highlights the quoted sentences"
    page.screenshot(path=str(ARTIFACTS / "clause-highlight.png"), full_page=True)

    page.go_back()
    page.reload()
    assert page.locator("#conversation .message").count() == 1, "the conversation survives a reload"
    assert QUESTION in page.locator("#conversation").inner_text()


def test_feedback_is_sent_and_stored(page: Any, browser_settings: Settings) -> None:
    page.goto("/")
    message = _ask(page, QUESTION)
    message.locator(".feedback__more summary").click()
    message.locator("select[name=wrong_clause_id]").select_option(index=1)
    message.locator("textarea[name=comment]").fill("webbläsartest")
    message.locator("button[name=rating][value=down]").click()
    done = message.locator(".feedback--done")
    done.wait_for()
    assert "Tack" in done.inner_text()
    saved = [f for f in Store(browser_settings.data_dir).feedback() if f.comment == "webbläsartest"]
    assert len(saved) == 1 and saved[0].rating == "down" and saved[0].wrong_clause_id
    assert saved[0].question == QUESTION and saved[0].index_version


def test_switch_language_and_keep_it(page: Any) -> None:
    page.goto("/")
    assert page.get_attribute("html", "lang") == "sv"
    page.click("a.lang-switch")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("label[for=question]").inner_text() == "Your question"
    page.screenshot(path=str(ARTIFACTS / "chat-english.png"))
    page.goto("/sources")
    assert page.get_attribute("html", "lang") == "en", "the choice is remembered"


def test_keyboard_enter_sends_and_shift_enter_makes_a_new_line(page: Any) -> None:
    page.goto("/")
    page.focus("#question")
    page.keyboard.type("första raden")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("andra raden")
    assert page.input_value("#question") == "första raden\nandra raden"
    assert page.locator("#conversation .message").count() == 0, "Shift+Enter does not send"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control shows a visible focus ring"


def test_copy_button_copies_the_answer_with_citations(page: Any, server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto("/")
    message = _ask(page, QUESTION)
    message.locator("button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[1]" in copied and f"{server}/c/" in copied, "the copy has the citations with full links"


def test_new_conversation_and_no_script_fallback(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.fill("#question", "Vad är en säkerhetsskyddsanalys?")
    page.click("#ask button[type=submit]")
    page.wait_for_url("**/#m-*")
    assert page.locator("#conversation .message").count() == 1, "the plain form works without JavaScript"
    page.click(".new-conversation button")
    page.wait_for_load_state()
    assert page.locator("#conversation .message").count() == 0, "a new conversation starts empty"
    context.close()


def test_phone_layout_has_no_horizontal_scroll(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto("/")
    _ask(page, QUESTION)
    page.goto(page.locator("a.cite").first.get_attribute("href") or "/")
    for path in ("/", page.url, "/sources"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways on a phone by {overflow}px"
    page.goto("/")
    page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)
    context.close()


def test_an_abstention_looks_different(page: Any, real_assistant: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The server shares this assistant: a threshold nothing reaches makes it abstain.
    monkeypatch.setattr(real_assistant, "threshold", 10.0)
    page.goto("/")
    message = _ask(page, "Hur bakar man surdegsbröd?")
    assert "message--abstained" in (message.get_attribute("class") or "")
    assert message.locator(".badge--abstained").is_visible(), "an abstention is labelled as one"
    assert message.locator("a.cite").count() == 0
    page.screenshot(path=str(ARTIFACTS / "chat-abstention.png"), full_page=True)


def test_document_page_and_sources(page: Any, real_assistant: Any) -> None:
    _, clauses = real_assistant.document("sfs-2018-585")
    repealed = next(c for c in clauses if c.status == "repealed")
    in_force = next(c for c in clauses if c.status == "in_force")
    page.goto(f"/d/sfs-2018-585#{repealed.locator}")
    color = "e => getComputedStyle(e).color"
    grey = page.locator(f'section[id="{repealed.locator}"]').evaluate(color)
    normal = page.locator(f'section[id="{in_force.locator}"]').evaluate(color)
    assert grey != normal, "repealed clauses are greyed"
    page.screenshot(path=str(ARTIFACTS / "document.png"))
    page.goto("/sources")
    assert page.locator("table.sources tbody tr").count() == len(real_assistant.index.documents)
    page.screenshot(path=str(ARTIFACTS / "sources.png"), full_page=True)
