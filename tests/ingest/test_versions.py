"""Versions: replace a source, compare versions, keep the previous one browsable; parallel languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from html_fixtures import eurlex_recommendation
from pdf_fixtures import Report, Section, render_report

from core import store
from core.errors import ConfigError
from core.records import Clause
from core.settings import Settings
from core.sources import load_sources
from core.versions import current_clause_id, parallel_clause_id, previous_clause_ids
from ingest.add_source import add_source
from ingest.diff import diff_clauses, diff_source
from ingest.pipeline import build_index
from ingest.versions import previous_versions
from vagvisare import cli


def _clause(locator: str, text: str) -> Clause:
    return Clause(f"d#{locator}", "d", locator, locator, (), text, "sv", 0)


def test_diff_clauses_known_answer() -> None:
    old = [
        _clause("s:1", "Samma text."),
        _clause("s:2", "Gammal  lydelse."),
        _clause("s:3", "Tas bort."),
        _clause("s:4", "Bara   mellanslag ändras."),
    ]
    new = [
        _clause("s:1", "Samma text."),
        _clause("s:2", "Ny lydelse."),
        _clause("s:4", "Bara mellanslag ändras."),
        _clause("s:5", "Ny punkt."),
    ]
    diff = diff_clauses("d", old, new, "1", "2")
    assert [c.locator for c in diff.added] == ["s:5"]
    assert [c.locator for c in diff.removed] == ["s:3"]
    assert [(o.text, n.text) for o, n in diff.changed] == [("Gammal  lydelse.", "Ny lydelse.")]
    assert diff.unchanged == 2, "whitespace alone is no change"


def _second_edition(report: Report, path: Path) -> None:
    """The report again with section 2.2 reworded, 4.6 dropped and a new section 5 added."""
    sections = []
    for s in report.sections:
        if s.number == "4.6":
            continue
        if s.number == "2.2":
            s = Section(
                s.number, s.title, [s.paragraphs[0] + " Riktlinjerna ses över varje år.", *s.paragraphs[1:]]
            )
        sections.append(s)
    sections.insert(-1, Section("5", "Uppföljning", ["Vetenskapsrådet följer upp riktlinjerna årligen."]))
    render_report(path, report.title, sections, header="Ansvarsfull internationalisering – andra upplagan")


@pytest.fixture
def replaced(settings: Settings, report_pdf: Report, tmp_path: Path) -> tuple[Settings, Path]:
    add_source(settings, str(report_pdf.path), doc_id="vr-riktlinjer", version="2025")
    second = tmp_path / "andra-upplagan.pdf"
    _second_edition(report_pdf, second)
    return settings, second


def test_sources_diff_lists_added_removed_and_changed(replaced: tuple[Settings, Path]) -> None:
    settings, second = replaced
    diff = diff_source(settings, "vr-riktlinjer", second)
    assert [c.locator for c in diff.added] == ["s:5"]
    assert [c.locator for c in diff.removed] == ["s:4.6"]
    assert [n.locator for _, n in diff.changed] == ["s:2.2"]
    assert diff.old_version == "2025" and diff.unchanged > 10
    assert load_sources(settings.manifest)[0].version == "2025", "a diff changes nothing"


def test_the_cli_prints_the_diff(
    replaced: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, second = replaced
    for name in ("corpus_dir", "manifest", "index_dir", "as_of"):
        monkeypatch.setenv(f"VAGVISARE_{name.upper()}", str(getattr(settings, name)))
    assert cli.main(["sources", "diff", "vr-riktlinjer", str(second)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 removed, 1 changed" in out and "+ s:5" in out and "- s:4.6" in out and "~ s:2.2" in out
    assert cli.main(["sources", "diff", "vr-riktlinjer", str(second), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"][0]["locator"] == "s:2.2" and 0.5 < data["changed"][0]["similarity"] < 1


def test_a_new_version_is_cited_and_the_previous_stays_browsable(replaced: tuple[Settings, Path]) -> None:
    settings, second = replaced
    build_index(settings)
    result = add_source(settings, str(second), doc_id="vr-riktlinjer", replace_current=True, version="2026")
    assert result.previous is not None and result.previous.version == "2025"
    history = previous_versions(settings.corpus_dir, "vr-riktlinjer")
    assert [(v.version, v.path) for v in history] == [("2025", "versions/vr-riktlinjer/2025.pdf")]
    assert (settings.corpus_dir / history[0].path).is_file(), "the previous file is kept"
    source = load_sources(settings.manifest)[0]
    assert (source.version, source.path) == ("2026", "added/vr-riktlinjer.pdf")

    build_index(settings)
    index = store.IndexData(settings.index_dir)
    current = index.clause("vr-riktlinjer#s:2.2")
    assert current is not None and current.version == "2026" and current.answerable
    assert "ses över varje år" in current.text, "the current clause has the new wording"
    previous = index.clause("vr-riktlinjer#s:2.2@v2025")
    assert previous is not None, "the previous version has its own permalink"
    assert previous.status == "expired" and not previous.answerable, "answers never cite it"
    assert previous.version == "2025" and previous.label == "avsnitt 2.2 (version 2025)"
    assert previous.heading_path[0].startswith("Tidigare version 2025"), "it stands under a heading naming it"
    assert (
        index.clause("vr-riktlinjer#s:4.6") is None and index.clause("vr-riktlinjer#s:4.6@v2025") is not None
    ), "a removed section lives on only in the previous version"
    assert all(c.status == "in_force" for c in index.clauses if "@v" not in c.locator)
    assert previous_clause_ids(index, "vr-riktlinjer#s:2.2") == ["vr-riktlinjer#s:2.2@v2025"]
    assert current_clause_id("vr-riktlinjer#s:2.2@v2025") == "vr-riktlinjer#s:2.2"


def test_replacing_with_the_same_file_is_refused(replaced: tuple[Settings, Path], report_pdf: Report) -> None:
    settings, _ = replaced
    with pytest.raises(ConfigError, match="same file"):
        add_source(settings, str(report_pdf.path), doc_id="vr-riktlinjer", replace_current=True)


def test_a_changed_file_without_a_new_version_is_refused_at_ingest(replaced: tuple[Settings, Path]) -> None:
    from core.errors import SourceError

    settings, second = replaced
    (settings.corpus_dir / "added" / "vr-riktlinjer.pdf").write_bytes(second.read_bytes())
    with pytest.raises(SourceError, match="sha256 differs"):
        build_index(settings)


def test_parallel_clause_ids(settings: Settings, tmp_path: Path) -> None:
    for lang, doc_id in (("en", "eu-c-2024-3510"), ("sv", "eu-c-2024-3510-sv")):
        path = tmp_path / f"{lang}.html"
        path.write_text(eurlex_recommendation(lang), encoding="utf-8")
        add_source(settings, str(path), doc_id=doc_id)
    build_index(settings)
    index = store.IndexData(settings.index_dir)
    assert parallel_clause_id(index, "eu-c-2024-3510#point:5b") == "eu-c-2024-3510-sv#point:5b"
    assert parallel_clause_id(index, "eu-c-2024-3510-sv#recital:12") == "eu-c-2024-3510#recital:12"
    assert parallel_clause_id(index, "eu-c-2024-3510#point:99") is None, "no counterpart, no link"
    assert parallel_clause_id(index, "no-such-doc#point:1") is None
