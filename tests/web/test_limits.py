"""Limits and abuse: the per-client rate limit (429 + Retry-After), request size (413), question length
(422), and the admin token (constant-time, required in production)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_token

from core.errors import ConfigError
from core.settings import Settings, load_settings
from vagvisare.cli import main
from web import security
from web.app import app_from_env, create_app
from web.security import RateLimiter, RateLimitError, admin_token_problem

QUESTION = "Vem ska säkerhetsprövas?"
TOKEN = "a-real-admin-token-0123456789abcdef"


@pytest.fixture(scope="module")
def limited(web_settings: Settings, small_assistant):  # type: ignore[no-untyped-def]
    return create_app(web_settings.replace(rate_limit=3), assistant=small_assistant)


# ----------------------------------------------------------------------------------------- rate limit
def test_rate_limit_answers_429_with_retry_after_per_client(limited) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited, client=("203.0.113.1", 4000)) as a, \
            TestClient(limited, client=("203.0.113.2", 4000)) as b:
        codes = [a.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
        assert codes == [200, 200, 200], "a client may ask `limit` questions at once"
        refused = a.post("/api/ask", json={"question": QUESTION})
        assert refused.status_code == 429, "the fourth question within a minute is refused"
        retry = int(refused.headers["retry-after"])
        assert 1 <= retry <= 20, f"Retry-After says when one more is accepted (60 s / 3 = 20 s), got {retry}"
        assert "3 requests a minute" in refused.json()["error"] and "Wait" in refused.json()["hint"]
        assert b.post("/api/ask", json={"question": QUESTION}).status_code == 200, \
            "another client (IP address) has its own bucket"
        assert a.post("/api/search", json={"question": QUESTION}).status_code == 429, "search shares the limit"
        assert a.get("/healthz").status_code == 200 and a.get("/").status_code == 200, \
            "reading pages and health is not limited"


def test_rate_limit_on_the_chat_form_is_a_friendly_page(limited) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited, client=("203.0.113.3", 4000)) as c:
        token = csrf_token(c)
        codes = [c.post("/ask", data={"question": QUESTION, "csrf": token}, follow_redirects=False).status_code
                 for _ in range(4)]
        assert codes == [303, 303, 303, 429]
        page = c.post("/ask", data={"question": QUESTION, "csrf": token}, headers={"HX-Request": "true",
                                                                                    "HX-Trigger": "ask"})
        assert page.status_code == 429 and "retry-after" in page.headers
        assert "För många frågor" in page.text, "the htmx fragment says it in the page's language"


def test_token_bucket_refills_one_request_per_interval() -> None:
    now = [1000.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, a burst of 60
    for _ in range(60):
        limiter.check("x")
    with pytest.raises(RateLimitError) as refused:
        limiter.check("x")
    assert refused.value.headers["Retry-After"] == "1"
    now[0] += 1.0
    limiter.check("x")  # one more after one second
    with pytest.raises(RateLimitError):
        limiter.check("x")
    now[0] += 60.0
    for _ in range(60):
        limiter.check("x")  # a full bucket again after a quiet minute


def test_rate_limit_zero_turns_it_off_and_memory_stays_bounded() -> None:
    off = RateLimiter(0)
    for _ in range(10_000):
        off.check("x")
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    for i in range(RateLimiter.MAX_CLIENTS + 500):
        limiter.check(f"10.0.{i // 256}.{i % 256}")
    now[0] += 61.0
    limiter.check("late")
    assert len(limiter._ready_at) <= 2, "clients whose bucket is full again are forgotten"


def test_rate_limit_is_configured_from_the_environment() -> None:
    assert load_settings(environ={"VAGVISARE_RATE_LIMIT": "0"}).rate_limit == 0
    assert load_settings(environ={"VAGVISARE_RATE_LIMIT": "30"}).rate_limit == 30
    assert load_settings(environ={}).rate_limit > 0, "on by default"
    for bad in ("-1", "many"):
        with pytest.raises(ConfigError):
            load_settings(environ={"VAGVISARE_RATE_LIMIT": bad})


# ----------------------------------------------------------------------------------------- sizes
def test_a_body_over_the_limit_is_refused_with_413(client: TestClient, web_settings: Settings) -> None:
    limit = web_settings.max_body_bytes
    big = json.dumps({"question": "x" * (limit + 10)})
    r = client.post("/api/ask", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, "Content-Length over the limit"
    assert f"larger than {limit} bytes" in r.json()["error"] and "Traceback" not in r.text

    def chunks():  # no Content-Length: the limit counts what arrives
        yield b'{"question": "'
        for _ in range(limit // 1000 + 2):
            yield b"y" * 1000
        yield b'"}'

    r = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, "a chunked body over the limit"
    r = client.post("/api/feedback", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_a_form_over_the_limit_is_refused_with_413(client: TestClient, web_settings: Settings) -> None:
    token = csrf_token(client)
    r = client.post("/ask", data={"question": "x" * (web_settings.max_body_bytes + 10), "csrf": token})
    assert r.status_code == 413 and "<html" in r.text.lower(), "a browser gets a page, not JSON"


def test_question_length_is_limited_with_422(web_settings: Settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    settings = web_settings.replace(max_question_chars=50)
    app = create_app(settings, assistant=Assistant(settings, small_assistant.index, small_assistant.embedder))
    with TestClient(app) as c:
        assert c.post("/api/ask", json={"question": "x" * 50}).status_code == 200
        r = c.post("/api/ask", json={"question": "x" * 51})
        assert r.status_code == 422 and "the limit is 50" in r.json()["error"]
        token = csrf_token(c)
        r = c.post("/ask", data={"question": "x" * 51, "csrf": token})
        assert r.status_code == 422 and "50" in r.text, "the form shows the limit"


# ----------------------------------------------------------------------------------------- admin
def test_admin_reload_needs_the_bearer_token(web_settings: Settings, small_assistant,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = security.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    app = create_app(web_settings.replace(admin_token=TOKEN, dev_mode=False), assistant=small_assistant)
    with TestClient(app) as c:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": TOKEN}, {"Authorization": f"Bearer {TOKEN}x"}):
            r = c.post("/api/admin/reload", headers=headers)
            assert r.status_code == 401, f"{headers} must be refused"
            assert r.headers["www-authenticate"] == "Bearer" and "VAGVISARE_ADMIN_TOKEN" in r.json()["hint"]
        r = c.post("/api/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "reloaded" and r.json()["index_version"] == small_assistant.index_version
        assert c.get("/healthz").json()["index_version"] == small_assistant.index_version
    assert (TOKEN.encode(), TOKEN.encode()) in compared, "the token is compared with hmac.compare_digest"


def test_admin_endpoints_are_off_without_a_token(client: TestClient) -> None:
    r = client.post("/api/admin/reload", headers={"Authorization": "Bearer "})
    assert r.status_code == 403 and "no admin token" in r.json()["error"], "dev mode with no token: off"


@pytest.mark.parametrize("token", ["", "   ", "changeme", "admin", "secret", "ChangeMe", "short-token"])
def test_serve_refuses_an_empty_or_default_token(token: str, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _clean_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("VAGVISARE_ADMIN_TOKEN", token)
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    assert main(["serve", "--port", "0"]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert "VAGVISARE_ADMIN_TOKEN" in err and "secrets.token_urlsafe" in err and "VAGVISARE_DEV_MODE" in err, err
    assert not started, "the server must not start"
    with pytest.raises(ConfigError):
        app_from_env()  # the workers of `serve --workers N` check it too


def test_serve_starts_with_a_real_token_or_in_dev_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean_environment(monkeypatch, tmp_path)
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    monkeypatch.setenv("VAGVISARE_ADMIN_TOKEN", TOKEN)
    assert main(["serve", "--port", "0"]) == 0
    monkeypatch.setenv("VAGVISARE_ADMIN_TOKEN", "")
    monkeypatch.setenv("VAGVISARE_DEV_MODE", "1")
    assert main(["serve", "--port", "0"]) == 0
    assert len(started) == 2


def test_token_rules() -> None:
    assert admin_token_problem(TOKEN) is None
    assert admin_token_problem("") and admin_token_problem("password") and admin_token_problem("x" * 15)


def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("VAGVISARE_"):
            monkeypatch.delenv(name)
    # nothing is loaded (uvicorn.run is a stub), but the app's store and secret are made
    monkeypatch.setenv("VAGVISARE_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("VAGVISARE_DATA_DIR", str(tmp_path / "data"))
