"""The bundled model on ONNX Runtime: a reproducible export, the same vectors and windows as torch
(fp32) or close ones (int8), a fingerprint that names the runtime, and no torch where it serves."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.embed import bundled_model_dir, load_embedder
from core.embed_onnx import OnnxEmbedder, WordTable
from core.onnx_export import FILES, WORD_TABLE, onnx_dir, onnx_info
from core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "var" / "models"
TEXTS = ["Vem ska säkerhetsprövas?", "Måste vi säkerhetspröva externa konsulter i ett forskningsprojekt?",
         "What does research security mean for a university?",
         "Den som bedriver säkerhetskänslig verksamhet ska utreda behovet av säkerhetsskydd."]
pytestmark = pytest.mark.model


def _settings(**overrides: object) -> Settings:
    return load_settings(environ={}, model_cache_dir=MODELS, **overrides)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_export_is_reproducible_and_its_hashes_are_recorded(tmp_path: Path) -> None:
    model_dir = bundled_model_dir(MODELS)
    shared = onnx_dir(MODELS, model_dir)
    info = onnx_info(shared)
    for runtime, name in FILES.items():
        assert info["sha256"][runtime] == _sha256(shared / name), f"onnx.json records the hash of {name}"
    assert info["word_table_sha256"] == _sha256(shared / WORD_TABLE), "and of the word table"
    assert not (shared / "model.onnx").exists(), "the whole fp32 graph is not kept (its table is in the .npy)"
    fresh = onnx_dir(tmp_path, model_dir)  # a second export from the same converted model
    again = onnx_info(fresh)
    assert (again["sha256"], again["word_table_sha256"]) == (info["sha256"], info["word_table_sha256"]), \
        "the export, the split of the table and the quantisation are byte-identical"
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name], "no half-exported folder is left"


@pytest.mark.parametrize(("runtime", "closest"), [("onnx", 0.9999), ("onnx-int8", 0.97)])
def test_vectors_and_windows_as_torch_makes_them(runtime: str, closest: float) -> None:
    torch_e5 = load_embedder(_settings(embedding_runtime="torch"))
    onnx_e5 = load_embedder(_settings(embedding_runtime=runtime))
    assert isinstance(onnx_e5, OnnxEmbedder)
    for encode in ("encode_queries", "encode_passages", "encode_questions"):
        ours, theirs = getattr(onnx_e5, encode)(TEXTS), getattr(torch_e5, encode)(TEXTS)
        assert ours.shape == theirs.shape == (len(TEXTS), 384) and ours.dtype == np.float32
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5), "unit vectors"
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() > closest, f"{runtime} {encode}: cosine to torch {cosine.min():.4f}"
    long = " ".join(TEXTS * 60)
    assert onnx_e5.windows(long) == torch_e5.windows(long), "a long clause is cut at the same places"
    assert len(onnx_e5.windows(long)) > 1
    fingerprint = onnx_e5.fingerprint
    assert fingerprint["runtime"] == runtime and fingerprint["id"] == torch_e5.fingerprint["id"]
    assert fingerprint["runtime_sha256"] == onnx_info(onnx_dir(MODELS, bundled_model_dir(MODELS)))["sha256"][runtime]


def test_serving_with_onnx_never_imports_torch() -> None:
    load_embedder(_settings(embedding_runtime="onnx-int8"))  # exported here, with torch, if not yet
    script = (
        "import sys\n"
        "from core.settings import load_settings\n"
        "from core.embed import load_embedder\n"
        "import web.app, web.deps, web.embedding_process, assistant.engine\n"
        f"s = load_settings(environ={{}}, model_cache_dir={str(MODELS)!r}, embedding_runtime='onnx-int8')\n"
        "v = load_embedder(s, serving=True).encode_queries(['Vem ska säkerhetsprövas?'])\n"
        "assert v.shape == (1, 384)\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"], "the server side runs the model without torch"


def test_the_word_table_is_read_row_by_row_as_numpy_would_index_it(tmp_path: Path) -> None:
    table = np.arange(5 * 3, dtype=np.float32).reshape(5, 3) / 7
    np.save(tmp_path / "t.npy", table)
    rows = WordTable(tmp_path / "t.npy")
    ids = np.array([[4, 0, 4, 2], [1, 1, 3, 0]], dtype=np.int64)
    assert rows.shape == (5, 3)
    assert np.array_equal(rows.rows(ids), table[ids]), "the same rows, in the ids' shape, repeats included"
    with pytest.raises(IndexError):
        rows.rows(np.array([[5]]))


def test_the_fp32_runtime_keeps_the_word_table_out_of_memory() -> None:
    """The table is 384 MB; the rows of a few hundred questions are a few MB."""
    embedder = load_embedder(_settings(embedding_runtime="onnx"), serving=True)
    assert isinstance(embedder, OnnxEmbedder) and isinstance(embedder._table, WordTable)
    inputs = [i.name for i in embedder.session.get_inputs()]
    assert "word_vectors" in inputs, "the graph takes the tokens' vectors, not the table"
    assert all(i.shape[0] != 250_002 for i in embedder.session.get_inputs())
