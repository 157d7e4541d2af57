"""The bounded queue: past server_threads + queue_max questions in the server, 503 with Retry-After at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_token

from core.errors import ConfigError
from core.settings import Settings, load_settings
from web.admission import Admission, QueueFullError
from web.app import create_app

QUESTION = "Vem ska säkerhetsprövas?"


class Gated:
    """The small assistant, but every answer waits at a gate the test opens."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.gate = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def answer(self, *args: Any, **kwargs: Any) -> Any:
        assert self.gate.wait(60), "the test opens the gate"
        return self.inner.answer(*args, **kwargs)


def test_admission_counts_and_refuses_past_its_capacity() -> None:
    admission = Admission(capacity=2, retry_after=3)
    admission.enter()
    admission.enter()
    with pytest.raises(QueueFullError) as refused:
        admission.enter()
    assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "3"}
    assert admission.shed == 1 and admission.active == 2, "a refused question takes no place"
    admission.leave()
    admission.enter()  # a place came free
    unbounded = Admission(capacity=0, retry_after=1)
    for _ in range(1000):
        unbounded.enter()
    assert unbounded.shed == 0, "queue_max = 0 admits every question"


def test_capacity_is_the_threads_plus_the_queue() -> None:
    settings = load_settings(environ={"VAGVISARE_SERVER_THREADS": "4", "VAGVISARE_QUEUE_MAX": "6",
                                      "VAGVISARE_RETRY_AFTER": "2"})
    admission = Admission.from_settings(settings)
    assert (admission.capacity, admission.retry_after) == (10, 2)
    assert Admission.from_settings(settings.replace(queue_max=0)).capacity == 0
    with pytest.raises(ConfigError, match="QUEUE_MAX"):
        load_settings(environ={"VAGVISARE_QUEUE_MAX": "-1"})


def test_a_full_server_answers_503_with_retry_after_at_once(web_settings: Settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    gated = Gated(small_assistant)
    app = create_app(web_settings.replace(server_threads=1, queue_max=1, retry_after=4), assistant=gated)
    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        token = csrf_token(client)  # the page needs the one thread; before it is taken
        waiting = [pool.submit(client.post, "/api/ask", json={"question": QUESTION}) for _ in range(2)]
        for _ in range(6000):  # until both are inside (one at the gate, one waiting for the thread)
            if app.state.admission.active == 2:
                break
            threading.Event().wait(0.005)
        assert app.state.admission.active == 2, "two questions fill one thread and a queue of one"
        refused = client.post("/api/ask", json={"question": QUESTION})  # answered while the gate is shut
        assert refused.status_code == 503, "the third is refused, not queued"
        assert refused.headers["retry-after"] == "4" and "Try again in 4 s" in refused.json()["hint"]
        page = client.post("/ask", data={"question": QUESTION, "csrf": token},
                           headers={"HX-Request": "true", "HX-Trigger": "ask"})
        assert page.status_code == 503 and "Försök igen om 4 sekunder" in page.text, (
            "the chat says it in the page's language")
        assert client.get("/healthz").status_code == 200, "health is not a question: never refused"
        gated.gate.set()
        assert [f.result(timeout=60).status_code for f in waiting] == [200, 200], "the admitted ones are answered"
    assert app.state.admission.active == 0 and app.state.admission.shed == 2, "every place is given back"
