"""Fuzzing: schemathesis against the app's OpenAPI spec, and hypothesis on the question path
(JSON API and the chat form). Whatever arrives, the answer is never a 500 and never a stack trace."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from web_helpers import csrf_token

from core.settings import Settings
from web.app import create_app

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
NASTY = ["<script>alert(1)</script>", "\x00\x01\x02", "\u202e\u200b\ufeff", "🙂" * 300, "a" * 1001,
         "' OR 1=1 --", "{{ 7*7 }}", "${jndi:ldap://x}", "\r\n\r\nHTTP/1.1 200 OK", "2 kap. 1 § " * 80,
         "SSL 3:11 OSL 24 kap. 8 §", "\ud7ff\ue000\U0010ffff", " ", "%s%n%x"]


@pytest.fixture(scope="module")
def fuzz_app(web_settings: Settings, small_assistant) -> FastAPI:  # type: ignore[no-untyped-def]
    return create_app(web_settings, assistant=small_assistant)


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app: FastAPI):  # type: ignore[no-untyped-def]
    with TestClient(fuzz_app, raise_server_exceptions=False) as client:
        yield client


def _no_500(r: Any, what: object) -> None:
    assert r.status_code < 500, f"{what!r} gave {r.status_code}: {r.text[:300]}"
    assert "Traceback" not in r.text, f"{what!r}: a stack trace leaked"


# ----------------------------------------------------------------------------------- hypothesis
questions = st.one_of(st.text(max_size=1500), st.sampled_from(NASTY),
                      st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=200))


@FUZZ
@given(question=questions, lang=st.sampled_from([None, "sv", "en", "de", ""]),
       docs=st.one_of(st.none(), st.lists(st.text(max_size=30), max_size=3)))
@example(question="<script>alert(1)</script> Vem ska säkerhetsprövas?", lang=None, docs=None)
def test_api_ask_never_500(fuzz_client: TestClient, question: str, lang: str | None,
                           docs: list[str] | None) -> None:
    body: dict[str, Any] = {"question": question}
    if lang is not None:
        body["lang"] = lang
    if docs is not None:
        body["docs"] = docs
    r = fuzz_client.post("/api/ask", json=body)
    _no_500(r, body)
    assert r.status_code in (200, 422), f"{body!r}: {r.status_code} {r.text[:200]}"
    if r.status_code == 200:
        answer = r.json()
        assert "<script>" not in answer["html"], "the question is never echoed unescaped into the answer HTML"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=12)


@FUZZ
@given(body=st.one_of(json_values, st.dictionaries(st.sampled_from(["question", "lang", "docs", "kinds", "k",
                                                                    "include_inactive", "share_id", "rating",
                                                                    "comment", "answer", "extra"]),
                                                   json_values, max_size=5)),
       path=st.sampled_from(["/api/ask", "/api/search", "/api/feedback"]))
def test_any_json_body_is_a_4xx_not_a_500(fuzz_client: TestClient, body: Any, path: str) -> None:
    r = fuzz_client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
    _no_500(r, (path, body))


@FUZZ
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(
    ["application/json", "application/json; charset=latin-1", "text/plain", "multipart/form-data",
     "application/x-www-form-urlencoded", ""]))
def test_raw_bodies_never_500(fuzz_client: TestClient, raw: bytes, content_type: str) -> None:
    for path in ("/api/ask", "/api/feedback"):
        r = fuzz_client.post(path, content=raw, headers={"Content-Type": content_type})
        _no_500(r, (path, raw, content_type))


@FUZZ
@given(question=questions, docs=st.lists(st.text(max_size=20), max_size=2),
       kinds=st.lists(st.text(max_size=12), max_size=2), htmx=st.booleans())
def test_chat_form_never_500(fuzz_client: TestClient, question: str, docs: list[str], kinds: list[str],
                             htmx: bool) -> None:
    token = csrf_token(fuzz_client)  # type: ignore[arg-type]
    headers = {"HX-Request": "true", "HX-Trigger": "ask"} if htmx else {}
    r = fuzz_client.post("/ask", data={"question": question, "docs": docs, "kinds": kinds, "csrf": token},
                         headers=headers, follow_redirects=False)
    _no_500(r, question)
    assert r.status_code in (200, 303, 422), f"{question!r}: {r.status_code}"
    if "<script>" in question and r.status_code == 200:
        assert "<script>alert" not in r.text, "the question is escaped in the page"


@FUZZ
@given(doc=st.text(max_size=40), locator=st.text(max_size=40), hl=st.one_of(st.none(), st.text(max_size=30)))
def test_clause_and_document_paths_never_500(fuzz_client: TestClient, doc: str, locator: str,
                                            hl: str | None) -> None:
    from urllib.parse import quote

    params = {"hl": hl} if hl is not None else {}
    for path in (f"/c/{quote(doc, safe='')}/{quote(locator, safe='')}", f"/d/{quote(doc, safe='')}",
                 f"/api/clauses/{quote(doc, safe='')}/{quote(locator, safe='')}", f"/s/{quote(doc, safe='')}"):
        _no_500(fuzz_client.get(path, params=params), path)


# ----------------------------------------------------------------------------------- schemathesis
# Each operation of /openapi.json, with schemathesis' generated cases (valid by the schema, and
# also invalid ones). Schemathesis' own pytest fixture loader does not work with pytest 9, so the
# operations are looped over here, each with its own hypothesis run.
def _operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation: Any, mode: Any) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        response = case.call()
        _no_500(response, f"{label}: {case.body!r}")
        case.validate_response(response, checks=[not_a_server_error])

    try:
        check()
    except Unsatisfiable:
        # an operation without parameters has no invalid input to send
        assert mode is GenerationMode.NEGATIVE, f"{label}: no valid case could be made"


def test_openapi_operations_never_500(fuzz_app: FastAPI) -> None:
    operations = _operations(fuzz_app)
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert {"POST /api/ask", "POST /api/search", "POST /api/feedback", "GET /healthz",
            "POST /api/admin/reload"} <= labels, labels
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode)
