"""The naive chunk baseline: window arithmetic, chunk → clause mapping, the on-disk vector cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.naive import NaiveRAG, chunk_spans, make_chunks


def test_chunk_spans_known_values() -> None:
    # 2,500 characters, windows of 1,000 every 800: [0,1000) [800,1800) [1600,2500)
    assert chunk_spans(2500) == [(0, 1000), (800, 1800), (1600, 2500)]
    assert chunk_spans(1000) == [(0, 1000)]
    assert chunk_spans(1001) == [(0, 1000), (800, 1001)]
    assert chunk_spans(10) == [(0, 10)]
    assert chunk_spans(0) == []
    with pytest.raises(ValueError):
        chunk_spans(100, size=200, overlap=200)


def test_chunks_cover_every_clause(small_assistant) -> None:  # type: ignore[no-untyped-def]
    index = small_assistant.index
    chunks = make_chunks(index)
    covered = {cid for c in chunks for cid in c.clause_ids}
    assert covered == {c.clause_id for c in index.clauses}, "every clause overlaps some chunk"
    for chunk in chunks:
        text = index.documents[chunk.doc_id].text
        assert 0 <= chunk.start < chunk.end <= len(text) and chunk.end - chunk.start <= 1000
        for cid in chunk.clause_ids:
            clause = index.clause(cid)
            assert clause is not None and clause.doc_id == chunk.doc_id
            assert clause.char_start < chunk.end and clause.char_end > chunk.start, \
                f"{cid} does not overlap {chunk.ref}"


def test_vectors_are_cached_by_model_and_text(small_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = NaiveRAG(small_assistant.index, small_assistant.embedder, tmp_path)
    assert first.cache_path.is_file()
    stamp = first.cache_path.stat().st_mtime_ns
    second = NaiveRAG(small_assistant.index, small_assistant.embedder, tmp_path)
    assert second.cache_path == first.cache_path and second.cache_path.stat().st_mtime_ns == stamp, "reused"
    other = NaiveRAG(small_assistant.index, small_assistant.embedder, tmp_path, size=500, overlap=100)
    assert other.cache_path != first.cache_path, "other chunking, other cache"
    query = small_assistant.embedder.encode_queries(["säkerhetsskyddsanalys"])[0]
    top = first.search(query, k=5)
    assert len(top) == 5 and all(a[1] >= b[1] for a, b in zip(top, top[1:], strict=False)), "ranked by cosine"
