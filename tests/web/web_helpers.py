"""Helpers shared by the web tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: TestClient, path: str = "/") -> str:
    """The page's CSRF token (the client keeps the matching cookie)."""
    page = client.get(path)
    m = TOKEN.search(page.text)
    assert m, f"{path} must carry a csrf-token meta tag for htmx"
    return m.group(1)


def ask(client: TestClient, question: str, *, htmx: bool = True, **fields: object) -> Response:
    data = {"question": question, "csrf": csrf_token(client), **fields}
    headers = {"HX-Request": "true", "HX-Trigger": "ask"} if htmx else {}
    return client.post("/ask", data=data, headers=headers, follow_redirects=False)
