"""Web test fixtures: an app over the small hash-embedded index, each test with its own cookies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.settings import Settings
from web.app import create_app


@pytest.fixture(scope="module")
def web_settings(small_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return small_settings.replace(data_dir=tmp_path_factory.mktemp("web-data"))


@pytest.fixture(scope="module")
def app(web_settings: Settings, small_assistant) -> FastAPI:  # type: ignore[no-untyped-def]
    return create_app(web_settings, assistant=small_assistant)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c

