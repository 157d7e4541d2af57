"""VAGVISARE_TRUSTED_PROXIES: X-Forwarded-For is believed only from a trusted proxy, so the per-client rate
limit counts the real client behind one and cannot be dodged by a client that sends the header itself."""

from __future__ import annotations

from pathlib import Path

import httpx
from live_server import LiveServer

from core.settings import Settings

QUESTION = {"question": "Vem ska säkerhetsprövas?"}


def _statuses(url: str, clients: list[str]) -> list[int]:
    return [httpx.post(url + "/api/ask", json=QUESTION, headers={"X-Forwarded-For": c}, timeout=30).status_code
            for c in clients]


def test_forwarded_addresses_count_only_from_a_trusted_proxy(small_settings: Settings, tmp_path: Path) -> None:
    settings = small_settings.replace(data_dir=tmp_path / "data")
    clients = ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"]
    with LiveServer(settings, tmp_path / "trusted.log", rate_limit=2, trusted_proxies="127.0.0.1",
                    index_poll=0) as behind_proxy:
        assert _statuses(behind_proxy.url, clients) == [200, 200, 429, 200], "each client behind the proxy counted"
    with LiveServer(settings, tmp_path / "direct.log", rate_limit=2, index_poll=0) as direct:
        assert _statuses(direct.url, clients) == [200, 200, 429, 429], \
            "no proxy trusted: a client's own X-Forwarded-For changes nothing"
