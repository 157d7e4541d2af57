"""Readers on random and damaged input: a SourceError or a document, never another exception, never a hang."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from html_fixtures import agency_page, eurlex_recommendation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_fixtures import minimal_text_pdf

from core.errors import SourceError
from core.records import ReadDocument
from core.sources import Source
from ingest.pipeline import READERS, segment

FUZZ = settings(
    max_examples=200,
    deadline=dt.timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PDF = minimal_text_pdf(
    [
        "1 Syfte",
        "Riktlinjerna gäller alla internationella samarbeten vid lärosätet.",
        "2 Ansvar",
        "Prefekten ansvarar för att en riskbedömning görs.",
    ]
)
HTML = (eurlex_recommendation("en", recitals=3, points=6) + agency_page()).encode("utf-8")


def _read(fmt: str, data: bytes) -> ReadDocument | None:
    """Read ``data`` as ``fmt``; the only failure allowed is the project's own SourceError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document"
        path.write_bytes(data)
        source = Source("fuzz", "Fuzz", "page", "information", "sv", fmt, path="document")
        try:
            doc = READERS[fmt](source, path)
            segment(doc, dt.date(2026, 11, 28))  # what a reader returns must also segment
            return doc
        except SourceError as exc:
            assert "fuzz" in str(exc), "a SourceError names the document"
            return None


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply edits (kind, position, value): overwrite a byte, delete a run, insert a byte, or truncate."""
    buf = bytearray(data)
    for kind, position, value in edits:
        if not buf:
            break
        at = position % len(buf)
        if kind == 0:
            buf[at] = value
        elif kind == 1:
            del buf[at : at + value % 64 + 1]
        elif kind == 2:
            buf.insert(at, value)
        else:
            del buf[at:]
    return bytes(buf)


EDITS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8
)


@FUZZ
@given(data=st.binary(max_size=4096), fmt=st.sampled_from(["pdf", "html", "eurlex"]))
def test_random_bytes(data: bytes, fmt: str) -> None:
    _read(fmt, data)


@FUZZ
@given(body=st.binary(max_size=4096))
def test_random_bytes_that_look_like_a_pdf(body: bytes) -> None:
    _read("pdf", b"%PDF-1.4\n" + body + b"\n%%EOF\n")


@FUZZ
@given(edits=EDITS)
def test_damaged_pdf(edits: list[tuple[int, int, int]]) -> None:
    _read("pdf", _mutate(PDF, edits))


@FUZZ
@given(edits=EDITS, fmt=st.sampled_from(["html", "eurlex"]))
def test_damaged_html(edits: list[tuple[int, int, int]], fmt: str) -> None:
    _read(fmt, _mutate(HTML, edits))


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnopqrstuvwxyzåäö()15.-:;&#!?\n")), max_size=2000
    )
)
def test_tag_soup(text: str) -> None:
    _read("html", ("<html><body><main>" + text).encode("utf-8"))
    _read("eurlex", ('<div class="eli-container"><p class="oj-normal">' + text).encode("utf-8"))


def test_the_undamaged_inputs_read() -> None:
    assert _read("pdf", PDF) is not None, "the fuzz seeds themselves are readable"
    assert _read("eurlex", HTML) is not None
