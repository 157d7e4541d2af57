"""The bundled e5 model on ONNX Runtime (fp32 or int8), without torch.

Same interface and same texts as :class:`core.embed.SentenceTransformerEmbedder`: the prompts
``query: `` / ``passage: ``, truncation at the model's 512 tokens, the same windows for long
clauses. Texts are embedded in batches of similar length (a batch is padded to its longest). The
number of threads is fixed when the session is made: one for a server's questions (its requests
are the parallelism), every core for an ingest.

With a word table (the fp32 export, :mod:`core.onnx_export`) the tokens' word vectors are read
here from the table's file, row by row, and given to the graph: the 384 MB table stays on disk (in
the page cache, shared, not in the process). Mapping the file instead was measured no better: each
page touched brings its neighbours into the process too, and after 300 questions the process held
most of the table again (docs/benchmark.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from core.onnx_export import WORD_INPUT
from core.unigram import Unigram
from core.windows import token_windows

BATCH = 32
MAX_TOKENS = 512


class OnnxEmbedder:
    def __init__(self, model_file: Path, tokenizer_file: Path, fingerprint: dict[str, Any], threads: int = 0,
                 word_table: Path | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per core
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads != 1:  # idle threads would spin on the cores the server's requests need
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._table = WordTable(word_table) if word_table is not None else None
        # The pieces as a dict (core/unigram.py): tokenizers' trie of the 250,002 pieces takes ~270 MB and
        # seconds to load. Its tokenizer is loaded only for the windows of long passages (at ingest).
        self._tokens = Unigram.from_file(tokenizer_file)
        self._tokenizer_file = tokenizer_file
        self._offsets: Any = None
        self._pad = self._tokens.token_to_id("<pad>") or 1
        self.max_tokens = MAX_TOKENS
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)
        # "passage:" as sentence-transformers counts it: the prompt's trailing space joins the text's first word
        self._prompt_tokens = len(self._tokens.encode("passage:", special_tokens=False))
        self.fingerprint = {**fingerprint, "dim": self.dim, "prompts": ["passage", "query"],
                            "max_tokens": self.max_tokens}
        self.threads = threads
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prefix: str, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        prompted = [prefix + t for t in texts]
        # as sentence-transformers truncates: <s>, the first 510 tokens, </s>
        tokens = [ids if len(ids) <= MAX_TOKENS else [*ids[:MAX_TOKENS - 1], ids[-1]]
                  for ids in map(self._tokens.encode, prompted)]
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out = np.zeros((len(texts), self.dim), np.float32)
        steps = range(0, len(order), BATCH)
        if progress:
            from tqdm import tqdm

            steps = tqdm(steps, desc="embedding", unit="batch")
        for start in steps:
            rows = order[start:start + BATCH]
            width = max(len(tokens[i]) for i in rows)
            ids = np.full((len(rows), width), self._pad, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, i in enumerate(rows):
                ids[row, :len(tokens[i])] = tokens[i]
                mask[row, :len(tokens[i])] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if self._table is not None:
                feed[WORD_INPUT] = self._table.rows(ids)
            with self._lock:  # one run at a time: the session's threads are the parallelism
                out[rows] = self.session.run(None, feed)[0]
        return out

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage: ", progress)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self._encode(texts, "query: ", progress)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        room = self.max_tokens - 2 - self._prompt_tokens
        with self._lock:
            if self._offsets is None:
                from tokenizers import Tokenizer

                self._offsets = Tokenizer.from_file(str(self._tokenizer_file))
        found = self._offsets.encode(text, add_special_tokens=False).offsets
        offsets = [_trim(text, start, end) for start, end in found]
        return token_windows(offsets, len(text), room, overlap)


class WordTable:
    """The rows of a 2-d float32 .npy file, read on demand (``pread``; safe across threads)."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(f)
            self._offset = f.tell()
        if len(shape) != 2 or fortran or dtype != np.dtype("<f4"):
            raise ValueError(f"{path}: not a C-ordered float32 table")
        self.shape: tuple[int, int] = shape
        self._row_bytes = 4 * shape[1]
        self._fd = os.open(path, os.O_RDONLY)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """``table[ids]`` for an array of row numbers: each distinct row read once."""
        distinct, where = np.unique(ids, return_inverse=True)
        found = np.empty((len(distinct), self.shape[1]), np.float32)
        for k, i in enumerate(distinct.tolist()):
            if not 0 <= i < self.shape[0]:
                raise IndexError(f"row {i} of a table of {self.shape[0]}")
            found[k] = np.frombuffer(os.pread(self._fd, self._row_bytes, self._offset + i * self._row_bytes), "<f4")
        return found[where.reshape(ids.shape)]

    def __del__(self, _close: Callable[[int], None] = os.close) -> None:
        # bound at definition: at interpreter exit the module's globals (os) may already be gone
        fd = getattr(self, "_fd", None)
        if fd is not None:
            _close(fd)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A token's span without the space its "▁" stands for (as transformers reports offsets)."""
    while start < end and text[start].isspace():
        start += 1
    return start, end
