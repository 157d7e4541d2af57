"""Fixtures of the ingest tests: generated documents and throw-away corpus, manifest and index."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_fixtures import HEADER, Report, corpus_report, render_report

from core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


def _render(tmp: Path, name: str, *, plain: bool = False) -> Report:
    if not (DEFAULT_CORPUS / "government").is_dir():
        pytest.fail(f"The default corpus is not at {DEFAULT_CORPUS}: the PDF tests render its texts. "
                    "Put the shared corpus beside the project (../shared/corpus).")
    title, sections = corpus_report(DEFAULT_CORPUS)
    path = tmp / name
    rendered = render_report(path, title, sections, header=HEADER, plain_headings=plain)
    return Report(path, title, sections, rendered)


@pytest.fixture(scope="session")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The government decision and the government's pages as a typeset, numbered report."""
    return _render(tmp_path_factory.mktemp("pdf"), "report.pdf")


@pytest.fixture(scope="session")
def plain_report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The same report with headings in the body font: numbers and contents are the only cues."""
    return _render(tmp_path_factory.mktemp("pdf-plain"), "plain.pdf", plain=True)


def make_settings(base: Path, **overrides: object) -> Settings:
    """Settings over a temporary corpus, manifest and index; the fast hash embedder."""
    corpus = base / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    manifest = base / "sources.toml"
    if not manifest.exists():
        manifest.write_text("# sources of a test\n", encoding="utf-8")
    values: dict[str, object] = {
        "corpus_dir": corpus,
        "manifest": manifest,
        "index_dir": base / "index",
        "data_dir": base / "data",
        "model_cache_dir": base / "models",
        "embedding_model": "hash:64",
        "as_of": "2026-11-28",
    }
    values.update(overrides)
    return load_settings(environ={}, **values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)
