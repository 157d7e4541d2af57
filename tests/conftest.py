"""Shared fixtures.

- ``small_settings`` / ``small_assistant``: four real documents (SSL, SSF, the decision, a page)
  indexed with the deterministic hash embedder — fast, for unit and web tests.
- ``real_settings`` / ``real_assistant``: the whole default corpus with the real bundled model,
  built once under var/test/index (incrementally after the first run) — for integration tests,
  browser tests and the eval gate.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings, load_settings
from core.sources import load_sources, source_to_toml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
MANIFEST = ROOT / "corpus" / "sources.toml"
SMALL_DOCS = ("sfs-2018-585", "sfs-2021-955", "regeringsbeslut-2025-05-22", "debatt-2025-06-01")


def write_manifest(path: Path, doc_ids: tuple[str, ...]) -> Path:
    sources = [s for s in load_sources(MANIFEST) if s.doc_id in doc_ids]
    path.write_text("\n".join(source_to_toml(s) for s in sources), encoding="utf-8")
    return path


def make_settings(base: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "corpus_dir": CORPUS, "manifest": MANIFEST, "bank_dir": ROOT / "corpus" / "bank",
        "index_dir": base / "index", "data_dir": base / "data",
        "model_cache_dir": ROOT / "var" / "models", "as_of": "2026-11-28", "dev_mode": True, "rate_limit": 0,
    }
    values.update(overrides)
    return load_settings(environ={}, **values)


class _BuildLock:
    """Several test processes may build the shared test index at once; one builds, the others wait."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest.pipeline import build_index

    base = tmp_path_factory.mktemp("small")
    settings = make_settings(base, manifest=write_manifest(base / "sources.toml", SMALL_DOCS),
                             embedding_model="hash:64")
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def small_assistant(small_settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant.load(small_settings)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from ingest.pipeline import build_index

    base = ROOT / "var" / "test"
    data = tmp_path_factory.mktemp("real-data")
    settings = make_settings(base, data_dir=data)
    with _BuildLock(base / "build.lock"):
        build_index(settings)
    yield settings


@pytest.fixture(scope="session")
def real_assistant(real_settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant.load(real_settings)


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A PostgreSQL server of the test session's own (see tests/postgres_server.py); skipped only when no
    PostgreSQL binaries are installed (`make test` installs them)."""
    import shutil
    import tempfile

    from postgres_server import PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql, or run `make test`")
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="vagvisare-pg-")), binaries).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run a test on both backends: "" (SQLite in the data directory) and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return ""
    return str(request.getfixturevalue("postgres").new_database())
