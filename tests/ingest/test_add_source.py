"""`vagvisare sources add`: copy or download a document, check it, write the manifest; then ingest it."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from html_fixtures import eurlex_recommendation
from pdf_fixtures import Report

from core import store
from core.errors import ConfigError, NotFoundError, SourceError
from core.settings import Settings
from core.sources import load_sources
from ingest.add_source import add_source, detect_format
from ingest.pipeline import build_index
from vagvisare import cli

ROUTES: dict[str, tuple[int, str, bytes]] = {}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        status, content_type, body = ROUTES.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        if content_type == "slow":
            time.sleep(2.0)
            content_type = "application/pdf"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A web server on the loopback interface, serving ROUTES, for the length of this module."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _manifest(settings: Settings) -> dict[str, object]:
    return {s.doc_id: s for s in load_sources(settings.manifest)}


def test_a_local_pdf_is_copied_listed_and_ingested(settings: Settings, report_pdf: Report) -> None:
    result = add_source(
        settings,
        str(report_pdf.path),
        doc_id="uu-riktlinjer",
        title="Riktlinjer vid UU",
        kind="guideline",
        binding="guidance",
        short="UU",
    )
    source = load_sources(settings.manifest)[0]
    assert (source.doc_id, source.format, source.path) == ("uu-riktlinjer", "pdf", "added/uu-riktlinjer.pdf")
    assert source.sha256 == hashlib.sha256(report_pdf.path.read_bytes()).hexdigest(), (
        "the manifest keeps the hash"
    )
    assert result.file.read_bytes() == report_pdf.path.read_bytes(), "the file is in the corpus, unchanged"
    assert source.added == "2026-11-28" and source.version == "2026-11-28"
    assert settings.manifest.read_text(encoding="utf-8").startswith("# sources of a test"), "comments stay"

    build_index(settings)
    index = store.IndexData(settings.index_dir)
    clause = index.clause("uu-riktlinjer#s:4.2")
    assert (
        clause is not None
        and clause.label == "avsnitt 4.2"
        and clause.page == report_pdf.rendered.heading_page["4.2"]
    ), "the next ingest includes it, pages and all"


def test_a_download_is_checked_and_kept(settings: Settings, server: str) -> None:
    ROUTES["/act-en"] = (200, "text/html; charset=utf-8", eurlex_recommendation("en").encode())
    result = add_source(settings, f"{server}/act-en", doc_id="eu-c-2024-3510")
    source = _manifest(settings)["eu-c-2024-3510"]
    assert source.format == "eurlex", "EUR-Lex markup is recognised"  # type: ignore[attr-defined]
    assert source.url == f"{server}/act-en", "where it came from is kept"  # type: ignore[attr-defined]
    assert source.title.startswith("Council Recommendation of 23 May 2024"), "a reserved id brings its title"  # type: ignore[attr-defined]
    assert result.file.name == "eu-c-2024-3510.html" and result.clauses > 20


@pytest.mark.parametrize(
    ("route", "answer", "words"),
    [
        ("/missing", None, "404"),
        ("/image", (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), "image/png"),
        ("/huge", (200, "application/pdf", b"%PDF-1.7\n" + b"0" * 5000), "larger than"),
        ("/slow", (200, "slow", b"%PDF-1.7\n"), "download failed"),
    ],
)
def test_bad_downloads_are_refused_and_nothing_is_written(
    settings: Settings, server: str, route: str, answer: tuple[int, str, bytes] | None, words: str
) -> None:
    if answer:
        ROUTES[route] = answer
    before = settings.manifest.read_text(encoding="utf-8")
    with pytest.raises(SourceError) as info:
        add_source(
            settings,
            f"{server}{route}",
            doc_id="x-doc",
            title="X",
            kind="page",
            binding="information",
            timeout=0.5,
            max_bytes=4000,
        )
    assert words in str(info.value), f"the message says what went wrong: {info.value}"
    assert settings.manifest.read_text(encoding="utf-8") == before, "the manifest is unchanged"
    assert not [p for p in settings.corpus_dir.rglob("*") if p.is_file()], "no file is left in the corpus"


def test_only_http_addresses_are_downloaded(settings: Settings) -> None:
    with pytest.raises(SourceError, match="only http and https"):
        add_source(
            settings, "file:///etc/passwd", doc_id="x-doc", title="X", kind="page", binding="information"
        )


def test_an_unreadable_file_is_refused_before_anything_is_written(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    with pytest.raises(SourceError, match=re.escape(str(bad))):  # the operator's file, not the temporary copy
        add_source(settings, str(bad), doc_id="x-doc", title="X", kind="guideline", binding="guidance")
    assert load_sources(settings.manifest) == [], "nothing was listed"
    assert not [p for p in settings.corpus_dir.rglob("*") if p.is_file()], "no file is left in the corpus"


def test_ids_and_fields_are_checked(settings: Settings, report_pdf: Report) -> None:
    with pytest.raises(ConfigError, match="--title"):
        add_source(settings, str(report_pdf.path), doc_id="uu-riktlinjer")
    with pytest.raises(ConfigError, match="not valid"):
        add_source(
            settings,
            str(report_pdf.path),
            doc_id="UU Riktlinjer",
            title="X",
            kind="guideline",
            binding="guidance",
        )
    with pytest.raises(ConfigError, match="unknown kind|Unknown kind"):
        add_source(settings, str(report_pdf.path), doc_id="uu", title="X", kind="lag", binding="guidance")
    add_source(settings, str(report_pdf.path), doc_id="vr-riktlinjer-2024")
    with pytest.raises(ConfigError, match="--replace"):
        add_source(settings, str(report_pdf.path), doc_id="vr-riktlinjer-2024")


def test_parallel_language_versions_are_linked_both_ways(settings: Settings, tmp_path: Path) -> None:
    for lang, doc_id in (("en", "eu-c-2024-3510"), ("sv", "eu-c-2024-3510-sv")):
        path = tmp_path / f"{lang}.html"
        path.write_text(eurlex_recommendation(lang), encoding="utf-8")
        add_source(settings, str(path), doc_id=doc_id)
    sources = _manifest(settings)
    assert sources["eu-c-2024-3510"].parallel == "eu-c-2024-3510-sv"  # type: ignore[attr-defined]
    assert sources["eu-c-2024-3510-sv"].parallel == "eu-c-2024-3510"  # type: ignore[attr-defined]
    assert sources["eu-c-2024-3510-sv"].lang == "sv"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "name", "content_type", "expected"),
    [
        (b"%PDF-1.7 ...", "x.bin", "", "pdf"),
        (b'<html><p class="oj-normal">x</p></html>', "act.html", "", "eurlex"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page", "text/html", "html"),
        (b"# Titel\n\nText", "page.md", "", "markdown"),
        (b"Titel\n\nText", "beslut.txt", "", "text"),
    ],
)
def test_detect_format(data: bytes, name: str, content_type: str, expected: str) -> None:
    assert detect_format(data, name, content_type) == expected


def test_the_cli_adds_a_source(
    settings: Settings,
    report_pdf: Report,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("corpus_dir", "manifest", "index_dir", "embedding_model", "as_of", "model_cache_dir"):
        monkeypatch.setenv(f"VAGVISARE_{name.upper()}", str(getattr(settings, name)))
    code = cli.main(
        [
            "sources",
            "add",
            str(report_pdf.path),
            "--id",
            "lu-riktlinjer",
            "--title",
            "Riktlinjer vid LU",
            "--kind",
            "guideline",
            "--binding",
            "guidance",
            "--short",
            "LU",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "Added lu-riktlinjer (pdf" in out and "vagvisare ingest" in out
    for line in ("pages: ", "clauses: ", "headings found: ", "numbered sections found: ", "split words mended: ",
                 "suspicious words left: "):
        assert f"\n  {line}" in out, f"the quality summary says {line!r}"
    assert cli.main(["sources", "show", "lu-riktlinjer", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown and {"clause_id", "label", "heading_path", "page", "text"} <= set(shown[0]), (
        "sources show --json: one object per clause, read from the manifest without an index"
    )
    assert any(c["clause_id"] == "lu-riktlinjer#s:4.2" and c["label"] == "avsnitt 4.2" for c in shown)
    assert cli.main(["sources", "show", "lu-riktlinjer"]) == 0
    listing = capsys.readouterr().out
    assert "lu-riktlinjer#s:4.2  avsnitt 4.2  s. " in listing and "numbered sections found: " in listing
    assert cli.main(["sources", "show", "no-such-doc"]) == NotFoundError.exit_code
    assert "lu-riktlinjer" in capsys.readouterr().err, "an unknown id is refused with the known ones"
    code = cli.main(
        [
            "sources",
            "add",
            str(report_pdf.path),
            "--id",
            "lu-riktlinjer",
            "--title",
            "X",
            "--kind",
            "guideline",
            "--binding",
            "guidance",
        ]
    )
    assert code == ConfigError.exit_code, "a duplicate id is refused with the configuration error's exit code"
    assert "--replace" in capsys.readouterr().err



def test_an_unwritable_corpus_is_reported(settings: Settings, report_pdf: Report, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    unwritable = settings.replace(corpus_dir=blocker / "corpus")  # not even root makes a directory in a file
    with pytest.raises(ConfigError, match="VAGVISARE_CORPUS_DIR"):
        add_source(unwritable, str(report_pdf.path), doc_id="vr-riktlinjer")
