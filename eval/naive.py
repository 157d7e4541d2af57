"""The naive RAG baseline: fixed-size character chunks, the same embedding model, cosine top-k.

It shows what clause-aware segmentation and hybrid fusion add. Each indexed
document's normalised text (``IndexData.documents[d].text``) is cut into windows of
1,000 characters overlapping by 200 (the last window ends at the end of the text),
regardless of sections. Chunks are embedded with the same embedder and passage prompt
as the clauses; the vectors are cached under ``var/eval/`` keyed by the model
fingerprint, the chunking parameters and a hash of the texts. A question is embedded
with the query prompt and the chunks are ranked by cosine.

The baseline cites a chunk's position (``<doc_id>@<start>-<end>``, characters in the
document text) and quotes nothing, so only retrieval metrics apply to it. For scoring,
a chunk stands for the clauses whose span (``char_start``/``char_end`` in the same text)
overlaps it, in force or not; a chunk matches a relevant id if any of those clauses do.
A chunk covers several short clauses, which makes it generous per rank position:
compare it with the clause modes knowing that a top-5 of chunks is about 5,000 characters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.embed import Embedder
from core.store import IndexData

log = logging.getLogger(__name__)

CHUNK_CHARS = 1000
OVERLAP = 200


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    start: int
    end: int
    clause_ids: tuple[str, ...]

    @property
    def ref(self) -> str:
        """How the baseline cites: the document and the character range."""
        return f"{self.doc_id}@{self.start}-{self.end}"


def chunk_spans(length: int, size: int = CHUNK_CHARS, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """Windows of ``size`` characters starting every ``size - overlap``; the last one ends at ``length``."""
    if size <= overlap:
        raise ValueError("the chunk size must exceed the overlap")
    spans: list[tuple[int, int]] = []
    start = 0
    while start < length:
        end = min(start + size, length)
        spans.append((start, end))
        if end == length:
            break
        start += size - overlap
    return spans


def make_chunks(index: IndexData, size: int = CHUNK_CHARS, overlap: int = OVERLAP) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc_id, doc in index.documents.items():
        clauses = [index.clauses[i] for i in index.by_doc.get(doc_id, [])]
        for start, end in chunk_spans(len(doc.text), size, overlap):
            covered = tuple(c.clause_id for c in clauses if c.char_start < end and c.char_end > start)
            chunks.append(Chunk(doc_id, start, end, covered))
    return chunks


def cache_key(fingerprint: dict[str, object], index: IndexData, size: int, overlap: int) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(fingerprint, sort_keys=True, default=str).encode())
    h.update(f"{size}/{overlap}".encode())
    for doc_id, doc in index.documents.items():
        h.update(doc_id.encode() + b"\0" + doc.text.encode() + b"\0")
    return h.hexdigest()[:24]


class NaiveRAG:
    """Chunks of one index and their vectors (built once, cached on disk)."""

    def __init__(self, index: IndexData, embedder: Embedder, cache_dir: Path, *,
                 size: int = CHUNK_CHARS, overlap: int = OVERLAP, progress: bool = False) -> None:
        self.embedder = embedder
        self.chunks = make_chunks(index, size, overlap)
        key = cache_key(embedder.fingerprint, index, size, overlap)
        self.cache_path = cache_dir / f"naive-{key}.npy"
        self.vectors = self._vectors(index, progress)

    def _vectors(self, index: IndexData, progress: bool) -> np.ndarray:
        if self.cache_path.is_file():
            vectors = np.load(self.cache_path)
            if vectors.shape[0] == len(self.chunks):
                return vectors.astype(np.float32)
            log.warning("The naive baseline's cache %s does not fit; re-embedding.", self.cache_path)
        log.info("Embedding %d chunks for the naive baseline (once; cached in %s).", len(self.chunks),
                 self.cache_path.parent)
        texts = [index.documents[c.doc_id].text[c.start:c.end] for c in self.chunks]
        vectors = np.asarray(self.embedder.encode_passages(texts, progress=progress), dtype=np.float32)
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_name(f".{self.cache_path.stem}.{os.getpid()}.npy")
        np.save(tmp, vectors)
        os.replace(tmp, self.cache_path)
        return vectors

    @property
    def clauses_per_chunk(self) -> float:
        return sum(len(c.clause_ids) for c in self.chunks) / len(self.chunks) if self.chunks else 0.0

    def search(self, query_vector: np.ndarray, k: int = 10) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks most similar to the (normalised) query vector."""
        scores = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[i], float(scores[i])) for i in top]
