"""The feedback review page for support staff (/admin/feedback) and `vagvisare feedback list`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from web_helpers import ask, csrf_token

from core.settings import Settings
from vagvisare.cli import main
from web.app import create_app

TOKEN = "review-page-admin-token-93c1"
QUESTION = "Vem ska göra en säkerhetsskyddsanalys?"


@pytest.fixture
def settings(web_settings: Settings, tmp_path: Path) -> Settings:
    return web_settings.replace(data_dir=tmp_path / "data", bank_dir=tmp_path / "bank", admin_token=TOKEN)


@pytest.fixture
def client(settings: Settings, small_assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, assistant=small_assistant)) as c:
        yield c


def _flag(client: TestClient) -> tuple[str, str]:
    fragment = ask(client, QUESTION).text
    share_id = re.search(r'name="share_id" value="([\w-]+)"', fragment).group(1)  # type: ignore[union-attr]
    cited = re.search(r'<option value="([^"]+#[^"]+)">\[1\]', fragment).group(1)  # type: ignore[union-attr]
    r = client.post("/feedback", data={"csrf": csrf_token(client), "share_id": share_id, "rating": "down",
                                       "wrong_clause_id": cited, "comment": "Fel paragraf"})
    assert r.status_code == 200
    return share_id, cited


def _sign_in(client: TestClient, token: str = TOKEN) -> int:
    return client.post("/admin/login", data={"csrf": csrf_token(client, "/admin/feedback"), "token": token},
                       follow_redirects=False).status_code


def test_sign_in_with_a_form_and_a_session_cookie_never_the_url(client: TestClient) -> None:
    page = client.get("/admin/feedback")
    assert page.status_code == 200 and 'type="password"' in page.text and 'action="/admin/login"' in page.text
    assert "Fel paragraf" not in page.text
    assert _sign_in(client, "wrong-token") == 401
    assert client.get("/admin/feedback?token=" + TOKEN).text.count('type="password"') == 1, \
        "a token in the URL signs nobody in"
    r = client.post("/admin/login", data={"csrf": csrf_token(client, "/admin/feedback"), "token": TOKEN},
                    follow_redirects=False)
    assert r.status_code == 303 and TOKEN not in r.headers["location"]
    cookie = r.headers["set-cookie"]
    assert "vv_admin=" in cookie and "HttpOnly" in cookie and "Path=/admin" in cookie and "strict" in cookie.lower()
    assert TOKEN not in cookie, "the cookie is a signed session, not the token"
    assert "review-tools" in client.get("/admin/feedback").text
    client.post("/admin/logout", data={"csrf": csrf_token(client)})
    assert 'type="password"' in client.get("/admin/feedback").text, "signed out"


def test_a_forged_or_stale_session_is_refused(client: TestClient, settings: Settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set("vv_admin", "9999999999.deadbeef", path="/admin")
    assert 'type="password"' in client.get("/admin/feedback").text
    assert _sign_in(client) == 303
    with TestClient(create_app(settings.replace(admin_token=TOKEN + "-rotated"), assistant=small_assistant)) as other:
        other.cookies = client.cookies
        assert 'type="password"' in other.get("/admin/feedback").text, "a new token ends the old sessions"
    with TestClient(create_app(settings.replace(admin_token=""), assistant=small_assistant)) as off:
        assert off.get("/admin/feedback").status_code == 403, "no admin token: the page is off"


def test_an_item_shows_question_answer_flagged_clause_and_comment(client: TestClient) -> None:
    _, cited = _flag(client)
    _sign_in(client)
    page = client.get("/admin/feedback").text
    assert QUESTION in page and "Fel paragraf" in page and cited in page
    assert 'class="answer' in page and 'class="cite"' in page, "the answer as the user saw it"
    assert f'href="/c/{cited.replace("#", "/")}"' in page, "the flagged clause links to its page"


def test_actions_need_the_session(client: TestClient) -> None:
    _flag(client)
    r = client.post("/admin/feedback/1/done", data={"csrf": csrf_token(client)})
    assert r.status_code == 401


def test_turn_an_item_into_a_bank_entry_a_draft_or_mark_it_done(client: TestClient, settings: Settings) -> None:
    _, cited = _flag(client)
    _, _ = _flag(client)
    _sign_in(client)
    page = client.get("/admin/feedback").text
    ids = [int(i) for i in re.findall(r'<article class="review-item" id="fb-(\d+)"', page)]
    first, second = sorted(ids)
    r = client.post(f"/admin/feedback/{first}/bank", data={"csrf": csrf_token(client), "clause_id": "sfs-2018-585#2:1",
                                                           "question": "Vem gör säkerhetsskyddsanalysen?"},
                    follow_redirects=False)
    assert r.status_code == 303
    bank = (settings.bank_dir / "sfs-2018-585.jsonl").read_text(encoding="utf-8")
    line = json.loads(bank.splitlines()[-1])
    assert line["clause_id"] == "sfs-2018-585#2:1" and line["question"] == "Vem gör säkerhetsskyddsanalysen?"
    assert line["origin"] == f"feedback #{first}" and line["lang"] == "sv"
    bad = client.post(f"/admin/feedback/{second}/bank",
                      data={"csrf": csrf_token(client), "clause_id": "sfs-2018-585#99:1"})
    assert bad.status_code == 404 and "No clause" in bad.text, "a wrong clause id is said beside the item"
    r = client.post(f"/admin/feedback/{second}/draft", data={"csrf": csrf_token(client), "clause_id": cited},
                    follow_redirects=False)
    assert r.status_code == 303
    drafts = yaml.safe_load((settings.data_dir / "feedback-drafts.yaml").read_text(encoding="utf-8"))
    assert drafts[0]["question"] == QUESTION and drafts[0]["relevant"] == [cited]
    page = client.get("/admin/feedback").text
    assert "review-item\"" not in page and "Ingen återkoppling att granska" in page, "both items are handled"
    assert client.get("/admin/feedback?show=all").text.count("review-item--done") == 2


def test_turn_an_item_into_a_question_outside_the_sources(client: TestClient, settings: Settings) -> None:
    _flag(client)
    _flag(client)
    _sign_in(client)
    page = client.get("/admin/feedback").text
    assert "Lägg bland frågor utanför källorna" in page
    first, second = sorted(int(i) for i in re.findall(r'<article class="review-item" id="fb-(\d+)"', page))
    why = "Needs the ethical review act, which is not in the corpus."
    r = client.post(f"/admin/feedback/{first}/outside", data={"csrf": csrf_token(client), "why": why},
                    follow_redirects=False)
    assert r.status_code == 303
    line = json.loads((settings.bank_dir / "_outside.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert line == {"lang": "sv", "question": QUESTION, "area": "feedback", "why": why,
                    "origin": f"feedback #{first}"}
    again = client.post(f"/admin/feedback/{second}/outside", data={"csrf": csrf_token(client), "why": why})
    assert again.status_code == 422 and "already has the question" in again.text, "said beside the item"
    empty = client.post(f"/admin/feedback/{second}/outside", data={"csrf": csrf_token(client), "why": " "})
    assert empty.status_code == 422 and "why the sources" in empty.text
    assert client.get("/admin/feedback?show=all").text.count("review-item--done") == 1


def test_feedback_list_on_the_command_line(client: TestClient, settings: Settings,
                                           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _flag(client)
    monkeypatch.setenv("VAGVISARE_DATA_DIR", str(settings.data_dir))
    assert main(["feedback", "list"]) == 0
    out = capsys.readouterr().out
    assert QUESTION[:40] in out and "Fel paragraf" in out and "open" in out
    assert main(["feedback", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items[0]["question"] == QUESTION and items[0]["rating"] == "down" and items[0]["done_at"] is None
