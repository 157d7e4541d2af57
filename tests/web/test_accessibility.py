"""axe-core on every page and every state of an answer, in a real headless Chromium: zero violations.

axe-core is a dev dependency from npm (package.json, installed by `make setup` into node_modules/, never
served). The context bypasses the Content-Security-Policy only so that the test can inject axe; the
pages' own script runs as it does for a user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import _ask, browser, server  # noqa: F401 - the shared fixtures and the way to ask

from core.settings import Settings

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ADMIN_TOKEN = "accessibility-admin-token-5b1e"
QUESTION = "Vem ska säkerhetsprövas?"


@pytest.fixture(scope="module")
def browser_settings(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("axe")
    return real_settings.replace(data_dir=base / "data", bank_dir=base / "bank", admin_token=ADMIN_TOKEN)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:  # noqa: F811
    if not AXE.is_file():
        pytest.fail(f"No {AXE}: run `make setup` (npm installs axe-core, a dev dependency).")
    context = browser.new_context(base_url=server, viewport={"width": 1100, "height": 900}, locale="sv-SE",
                                  bypass_csp=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def violations(page: Any, state: str) -> list[str]:
    """axe's violations on the page as it is now, one line each (rule, impact, where)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
                          "v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' '))"
                          ".join(' | ')))")
    return [f"{state}: {v}" for v in found]


def test_every_page_and_answer_state_has_no_axe_violations(page: Any, real_assistant: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    problems: list[str] = []
    for lang in ("sv", "en"):
        page.goto(f"/?lang={lang}")
        problems += violations(page, f"chat, empty ({lang})")
    page.goto("/?lang=sv")
    page.fill("#question", " ")
    page.click("#ask button[type=submit]")
    page.locator("#ask-error strong").wait_for()
    problems += violations(page, "chat, a refused question")
    page.fill("#question", "x" * 1200)
    problems += violations(page, "chat, over the limit with the count")

    message = _ask(page, QUESTION)
    problems += violations(page, "chat, an answer")
    message.locator(".evidence summary").click()
    problems += violations(page, "chat, the evidence opened")
    message.locator("a.cite").first.focus()
    page.locator("#cite-tip").wait_for(state="visible")
    problems += violations(page, "chat, a citation previewed")
    follow = _ask(page, "Gäller det även doktorander?")
    follow.locator(".interpreted").wait_for()
    problems += violations(page, "chat, a follow-up with how it was read")
    follow.locator(".feedback__more summary").click()
    problems += violations(page, "chat, the feedback form opened")
    follow.locator("textarea[name=comment]").fill("Fel paragraf")
    follow.locator("button[name=rating][value=down]").click()
    page.locator(".feedback--done").last.wait_for()
    problems += violations(page, "chat, after a vote")
    monkeypatch.setattr(real_assistant, "threshold", 10.0)
    _ask(page, "Hur bakar man surdegsbröd?")
    problems += violations(page, "chat, an abstention")
    monkeypatch.undo()
    page.reload()
    problems += violations(page, "chat, the conversation reloaded")

    share = page.locator("a.share").first.get_attribute("href")
    cite = page.locator("a.cite").first.get_attribute("href")
    for path in (share, cite, "/c/sfs-2018-585/3:1", "/d/sfs-2018-585", "/d/regeringsbeslut-2025-05-22",
                 "/sources", "/sources?lang=en", "/docs", "/no-such-page", "/c/sfs-2018-585/2:1?hl=bad"):
        page.goto(str(path))
        problems += violations(page, str(path))
    page.goto("/c/sfs-2018-585/3:2")
    page.locator("details.context summary").first.click()
    problems += violations(page, "clause page, a neighbour opened")

    page.goto("/admin/feedback?lang=sv")
    problems += violations(page, "review: sign-in")
    page.fill("#token", "wrong")
    page.click(".sign-in button[type=submit]")
    page.locator("#token-error").wait_for()
    problems += violations(page, "review: wrong token")
    page.fill("#token", ADMIN_TOKEN)
    page.click(".sign-in button[type=submit]")
    page.locator(".review-item").first.wait_for()
    page.locator(".review-item__answer summary").first.click()
    problems += violations(page, "review: the items")
    assert not problems, "axe found violations:\n" + "\n".join(problems)
