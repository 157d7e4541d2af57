"""Pages of documents added as PDFs: the table of contents their headings make, general advice shown apart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.settings import load_settings
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def _real_pdf(name: str) -> Path:
    env = {k: v for k, v in os.environ.items() if k == "VAGVISARE_CORPUS_DIR"}
    corpus = load_settings(environ=env).corpus_dir
    path = (corpus if corpus.is_absolute() else ROOT / corpus) / "real-pdfs" / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: the PDF page tests read it from <corpus>/real-pdfs/ (see its README).")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from assistant.engine import Assistant
    from ingest.add_source import add_source
    from ingest.pipeline import build_index

    base = tmp_path_factory.mktemp("pdf-pages")
    (base / "sources.toml").write_text("# PDFs\n", encoding="utf-8")
    settings = load_settings(environ={}, corpus_dir=base / "corpus", manifest=base / "sources.toml",
                             index_dir=base / "index", data_dir=base / "data", embedding_model="hash:64",
                             as_of="2026-11-28", dev_mode=True, rate_limit=0)
    add_source(settings, str(_real_pdf("dir-2017-29.pdf")), doc_id="dir-2017-29", title="Kommittédirektiv 2017:29",
               kind="decision", binding="information")
    add_source(settings, str(_real_pdf("afs-2011-19.pdf")), doc_id="afs-2011-19",
               title="Kemiska arbetsmiljörisker (AFS 2011:19)", kind="guideline", binding="law")
    build_index(settings)
    with TestClient(create_app(settings, assistant=Assistant.load(settings))) as c:
        yield c


def test_a_document_page_lists_the_headings_found_from_their_type(client: TestClient) -> None:
    page = client.get("/d/dir-2017-29")
    assert page.status_code == 200
    for heading in ("Utvidgning av och förlängd tid för uppdraget",
                    "Rättsliga förutsättningar för Kungl. bibliotekets behandling av personuppgifter"):
        assert heading in page.text, f"the table of contents names {heading!r}"


def test_general_advice_is_shown_apart_from_the_binding_text(client: TestClient) -> None:
    page = client.get("/c/afs-2011-19/1")
    assert page.status_code == 200
    assert "1 §" in page.text and "Syftet med dessa föreskrifter" in page.text
    text = page.text
    label = text.index('class="advice__label"')
    assert text.index("Syftet med dessa föreskrifter") < label < text.index("Till 1 § Med arbete"), (
        "the advice follows the binding text, under its label"
    )
    assert "inte bindande" in text[label : label + 200]
    assert 'class="advice"' in text
    assert client.get("/c/afs-2011-19/37a").status_code == 200
