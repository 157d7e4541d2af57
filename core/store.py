"""The index directory: the one module that writes it (the pipeline) and reads it (the assistant).

Layout of an index directory::

    manifest.json     model fingerprint, segmenter version, per-document hashes and counts, timings
    clauses.sqlite    documents, clauses, passages (dense rows), sentences, full-text search (FTS5)
    dense.faiss       one normalised vector per passage (a clause, or a window of a long clause)
    sentences.npy     one vector per sentence (float16), for choosing what to quote
    bank.npy          one vector per question of the question bank (float16, ``query:`` prompt)
    outside.npy       one vector per question the sources do not answer (the bank's other side)
    bm25/             BM25 over clauses (bm25s), tokens from :mod:`core.analyze`
    vocab.json        the vocabulary the compound splitter knows

``VAGVISARE_INDEX_DIR`` is a symbolic link to the current build; a new build is
written beside it and the link is replaced atomically, so readers never see half an index.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.analyze import Analyzer
from core.embed import same_vectors
from core.errors import ConfigError, IndexMismatchError, IndexMissingError
from core.records import Clause, Unit
from core.sources import Source

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: the question bank (bank table, bank.npy); 3: questions outside it (outside, outside.npy)
SEGMENTER_VERSION = "2026-12-01.2"  # bump when segmentation changes clause ids or text

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, ordinal INTEGER, title TEXT, content_hash TEXT, version TEXT,
    source TEXT, meta TEXT, text TEXT
);
CREATE TABLE clauses (
    idx INTEGER PRIMARY KEY, clause_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL, locator TEXT, label TEXT,
    heading_path TEXT, text TEXT NOT NULL, lang TEXT, ordinal INTEGER, char_start INTEGER, char_end INTEGER,
    kind TEXT, status TEXT, valid_from TEXT, valid_to TEXT, amended_by TEXT, page INTEGER, page_end INTEGER,
    units TEXT, version TEXT, note TEXT
);
CREATE INDEX clauses_doc ON clauses(doc_id, ordinal);
CREATE TABLE passages (row INTEGER PRIMARY KEY, clause_idx INTEGER, start INTEGER, "end" INTEGER, text_hash TEXT);
CREATE TABLE sentences (row INTEGER PRIMARY KEY, clause_idx INTEGER, start INTEGER, "end" INTEGER, text_hash TEXT);
CREATE INDEX sentences_clause ON sentences(clause_idx);
CREATE TABLE bank (
    row INTEGER PRIMARY KEY, clause_idx INTEGER, lang TEXT, question TEXT, origin TEXT, stale INTEGER, text_hash TEXT
);
CREATE TABLE outside (row INTEGER PRIMARY KEY, lang TEXT, question TEXT, area TEXT, origin TEXT, text_hash TEXT);
CREATE VIRTUAL TABLE clauses_fts USING fts5(text, label, content='clauses', content_rowid='idx');
"""


@dataclass
class Document:
    """A source as indexed: its manifest row, what the reader found, and its clauses' order."""

    source: Source
    title: str
    content_hash: str
    meta: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the normalised document text that clause char spans point into
    ordinal: int = 0

    @property
    def doc_id(self) -> str:
        return self.source.doc_id


@dataclass
class Span:
    clause_idx: int
    start: int
    end: int
    text_hash: str


@dataclass(frozen=True)
class BankQuestion:
    """A question of the question bank, as indexed: the clause it is answered by, and its words."""

    clause_idx: int
    lang: str
    question: str
    origin: str = ""
    stale: bool = False  # the clause's text changed since the question was written
    text_hash: str = ""  # of what was embedded, to reuse the vector in the next build


@dataclass(frozen=True)
class OutsideQuestion:
    """A question the sources do not answer (a neighbouring area's), as indexed."""

    lang: str
    question: str
    area: str
    origin: str = ""
    text_hash: str = ""


@dataclass
class IndexContent:
    """Everything one build writes."""

    documents: list[Document]
    clauses: list[Clause]
    passages: list[Span]
    passage_vectors: np.ndarray
    sentences: list[Span]
    sentence_vectors: np.ndarray
    bm25_tokens: list[list[str]]
    vocabulary: list[str]
    manifest: dict[str, Any]
    bank: list[BankQuestion] = field(default_factory=list)
    bank_vectors: np.ndarray | None = None
    outside: list[OutsideQuestion] = field(default_factory=list)
    outside_vectors: np.ndarray | None = None


def _clause_row(idx: int, c: Clause) -> tuple[Any, ...]:
    return (idx, c.clause_id, c.doc_id, c.locator, c.label, json.dumps(c.heading_path, ensure_ascii=False), c.text,
            c.lang, c.ordinal, c.char_start, c.char_end, c.kind, c.status, c.valid_from, c.valid_to, c.amended_by,
            c.page, c.page_end, json.dumps([asdict(u) for u in c.units]), c.version, c.note)


def _clause_from_row(row: sqlite3.Row) -> Clause:
    return Clause(
        clause_id=row["clause_id"], doc_id=row["doc_id"], locator=row["locator"], label=row["label"],
        heading_path=tuple(json.loads(row["heading_path"])), text=row["text"], lang=row["lang"],
        ordinal=row["ordinal"], char_start=row["char_start"], char_end=row["char_end"], kind=row["kind"],
        status=row["status"], valid_from=row["valid_from"], valid_to=row["valid_to"], amended_by=row["amended_by"],
        page=row["page"], page_end=row["page_end"], units=tuple(Unit(**u) for u in json.loads(row["units"])),
        version=row["version"], note=row["note"],
    )


def write_index(directory: Path, content: IndexContent) -> None:
    """Write a complete index into an empty directory (the caller swaps it in)."""
    import bm25s
    import faiss

    directory.mkdir(parents=True, exist_ok=False)
    db = sqlite3.connect(directory / "clauses.sqlite")
    try:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)", [
            (d.doc_id, d.ordinal, d.title, d.content_hash, d.source.version,
             json.dumps(d.source.to_dict(), ensure_ascii=False), json.dumps(d.meta, ensure_ascii=False), d.text)
            for d in content.documents])
        db.executemany(f"INSERT INTO clauses VALUES ({','.join('?' * 21)})",
                       [_clause_row(i, c) for i, c in enumerate(content.clauses)])
        db.executemany("INSERT INTO passages VALUES (?,?,?,?,?)",
                       [(i, p.clause_idx, p.start, p.end, p.text_hash) for i, p in enumerate(content.passages)])
        db.executemany("INSERT INTO sentences VALUES (?,?,?,?,?)",
                       [(i, s.clause_idx, s.start, s.end, s.text_hash) for i, s in enumerate(content.sentences)])
        db.executemany("INSERT INTO bank VALUES (?,?,?,?,?,?,?)",
                       [(i, b.clause_idx, b.lang, b.question, b.origin, int(b.stale), b.text_hash)
                        for i, b in enumerate(content.bank)])
        db.executemany("INSERT INTO outside VALUES (?,?,?,?,?,?)",
                       [(i, o.lang, o.question, o.area, o.origin, o.text_hash) for i, o in enumerate(content.outside)])
        db.execute("INSERT INTO clauses_fts(rowid, text, label) SELECT idx, text, label FROM clauses")
        db.commit()
    finally:
        db.close()

    vectors = np.ascontiguousarray(content.passage_vectors, dtype=np.float32)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    faiss.write_index(dense, str(directory / "dense.faiss"))
    np.save(directory / "sentences.npy", content.sentence_vectors.astype(np.float16))
    bank_vectors = content.bank_vectors if content.bank_vectors is not None else np.zeros((0, vectors.shape[1]))
    np.save(directory / "bank.npy", bank_vectors.astype(np.float16))
    outside_vectors = content.outside_vectors if content.outside_vectors is not None \
        else np.zeros((0, vectors.shape[1]))
    np.save(directory / "outside.npy", outside_vectors.astype(np.float16))

    bm25 = bm25s.BM25()
    bm25.index([toks or ["∅"] for toks in content.bm25_tokens], show_progress=False)
    bm25.save(str(directory / "bm25"))
    (directory / "vocab.json").write_text(json.dumps(content.vocabulary, ensure_ascii=False), encoding="utf-8")
    # the manifest last: a directory without one is not an index
    (directory / "manifest.json").write_text(json.dumps(content.manifest, indent=2, ensure_ascii=False),
                                             encoding="utf-8")


def builds_dir(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.builds"


def new_build_dir(index_dir: Path) -> Path:
    """A new build's directory, named by the time. The index version is the build's second (with the corpus's
    hash), so a second build within the same second waits for the next one: two builds never share a version,
    and a replica following the published index always sees a new build as new."""
    root = builds_dir(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    while True:
        now = dt.datetime.now(dt.UTC)
        stamp = now.strftime("%Y%m%dT%H%M%S%f")
        if not any(p.name.startswith(stamp[:15]) for p in root.iterdir()):
            return root / stamp
        time.sleep(1.001 - now.microsecond / 1e6)


def check_index_dir(index_dir: Path) -> None:
    """Refuse to build into a directory that holds something other than an index.

    :func:`swap_in` moves a plain index directory aside; anything else there (a mistyped
    VAGVISARE_INDEX_DIR pointing at the data directory, say) must not be moved.
    """
    if index_dir.is_symlink() or not index_dir.exists():
        return
    if not index_dir.is_dir() or (any(index_dir.iterdir()) and not (index_dir / "manifest.json").is_file()):
        raise ConfigError(f"{index_dir} exists and is not an index, so the index cannot be written there.",
                          hint="Point VAGVISARE_INDEX_DIR at a new or index directory, or move that one away.")


def swap_in(index_dir: Path, build: Path, keep: int = 2) -> None:
    """Make ``build`` the current index in one atomic step; keep a few older builds."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    if index_dir.exists() and not index_dir.is_symlink():
        # a plain directory from elsewhere: move it into the builds folder first
        legacy = builds_dir(index_dir) / f"legacy-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
        os.replace(index_dir, legacy)
    link = index_dir.parent / f".{index_dir.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(build, index_dir.parent), link)
    os.replace(link, index_dir)
    builds = sorted(p for p in builds_dir(index_dir).iterdir() if p.is_dir() and p != build)
    for old in builds[:-keep] if keep else builds:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = index_dir / "manifest.json"
    if not path.is_file():
        raise IndexMissingError(f"No index in {index_dir}.", hint="Run `vagvisare ingest` first.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexMissingError(f"The index in {index_dir} is damaged ({exc}).",
                                hint="Run `vagvisare ingest --rebuild`.") from None


class IndexData:
    """A loaded index: clauses and documents in memory, dense and BM25 ready to search."""

    def __init__(self, index_dir: Path) -> None:
        import bm25s
        import faiss

        self.manifest = read_manifest(index_dir)
        self.path = index_dir.resolve()
        if self.manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"The index in {index_dir} has format {self.manifest.get('format_version')}, "
                f"this version reads format {FORMAT_VERSION}.", hint="Run `vagvisare ingest --rebuild`.")
        try:
            db = sqlite3.connect(f"file:{self.path / 'clauses.sqlite'}?mode=ro", uri=True)
            db.row_factory = sqlite3.Row
            try:
                self.clauses = [_clause_from_row(r) for r in db.execute("SELECT * FROM clauses ORDER BY idx")]
                self.documents: dict[str, Document] = {}
                for r in db.execute("SELECT * FROM documents ORDER BY ordinal"):
                    src = json.loads(r["source"])
                    src["aliases"] = tuple(src.get("aliases", ()))
                    self.documents[r["doc_id"]] = Document(Source(**src), r["title"], r["content_hash"],
                                                           json.loads(r["meta"]), r["text"], r["ordinal"])
                spans = 'SELECT row, clause_idx, start, "end", text_hash FROM {} ORDER BY row'
                self.passages = [Span(r[1], r[2], r[3], r[4]) for r in db.execute(spans.format("passages"))]
                self.sentences = [Span(r[1], r[2], r[3], r[4]) for r in db.execute(spans.format("sentences"))]
                self.bank = [BankQuestion(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in db.execute(
                    "SELECT clause_idx, lang, question, origin, stale, text_hash FROM bank ORDER BY row")]
                self.outside = [OutsideQuestion(*r) for r in db.execute(
                    "SELECT lang, question, area, origin, text_hash FROM outside ORDER BY row")]
            finally:
                db.close()
            self.dense = faiss.read_index(str(self.path / "dense.faiss"))
            self.sentence_vectors = np.load(self.path / "sentences.npy").astype(np.float32)
            self.bank_vectors = np.load(self.path / "bank.npy").astype(np.float32)
            self.outside_vectors = np.load(self.path / "outside.npy").astype(np.float32)
            self.bm25 = bm25s.BM25.load(str(self.path / "bm25"))
            vocabulary = json.loads((self.path / "vocab.json").read_text(encoding="utf-8"))
        except (OSError, sqlite3.Error, ValueError, RuntimeError) as exc:
            raise IndexMissingError(f"The index in {index_dir} is incomplete or damaged ({exc}).",
                                    hint="Run `vagvisare ingest --rebuild`.") from None
        self.analyzer = Analyzer(vocabulary)
        self.by_id = {c.clause_id: i for i, c in enumerate(self.clauses)}
        self.by_doc: dict[str, list[int]] = {}
        for i, c in enumerate(self.clauses):
            self.by_doc.setdefault(c.doc_id, []).append(i)
        self.sentences_of: dict[int, list[int]] = {}
        for row, s in enumerate(self.sentences):
            self.sentences_of.setdefault(s.clause_idx, []).append(row)
        self.passage_clause = np.array([p.clause_idx for p in self.passages], dtype=np.int64)
        self.bank_clause = np.array([b.clause_idx for b in self.bank], dtype=np.int64)
        if self.dense.ntotal != len(self.passages) or len(self.sentence_vectors) != len(self.sentences) \
                or len(self.bank_vectors) != len(self.bank) or len(self.outside_vectors) != len(self.outside):
            raise IndexMissingError(f"The index in {index_dir} is inconsistent (vector and row counts differ).",
                                    hint="Run `vagvisare ingest --rebuild`.")

    @property
    def version(self) -> str:
        return str(self.manifest.get("index_version", ""))

    def check_model(self, fingerprint: dict[str, Any]) -> None:
        """Refuse to answer with a model other than the one that built the index."""
        built = self.manifest.get("embedding", {})
        if not same_vectors(built, fingerprint):
            made, wanted = built.get("runtime", "torch"), fingerprint.get("runtime", "torch")
            if built.get("id") == fingerprint.get("id") and made != wanted:
                raise IndexMismatchError(
                    f"The index in {self.path} was embedded with the runtime {made!r}, but the configured "
                    f"runtime is {wanted!r} (VAGVISARE_EMBEDDING_RUNTIME); vectors of two runtimes do not mix.",
                    hint=f"Run `vagvisare ingest --rebuild` with VAGVISARE_EMBEDDING_RUNTIME={wanted}, "
                         f"or serve with VAGVISARE_EMBEDDING_RUNTIME={made}.")
            raise IndexMismatchError(
                f"The index was built with the embedding model {built.get('id')!r}"
                f"{' (another export of it)' if built.get('id') == fingerprint.get('id') else ''}, "
                f"but the configured model is {fingerprint.get('id')!r}.",
                hint="Run `vagvisare ingest --rebuild` to rebuild the index with the configured model.")
        if self.manifest.get("segmenter_version") != SEGMENTER_VERSION:
            raise IndexMismatchError(
                f"The index was segmented by version {self.manifest.get('segmenter_version')}, "
                f"this code segments as {SEGMENTER_VERSION}.", hint="Run `vagvisare ingest --rebuild`.")

    def passage_vectors(self) -> np.ndarray:
        return self.dense.reconstruct_n(0, self.dense.ntotal) if self.dense.ntotal else np.zeros((0, self.dense.d))

    def clause(self, clause_id: str) -> Clause | None:
        i = self.by_id.get(clause_id)
        return self.clauses[i] if i is not None else None
