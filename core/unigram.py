"""The bundled model's tokenizer (a SentencePiece unigram model) in plain Python, for questions.

The ``tokenizers`` library builds a trie of the 250,002 pieces that takes about 270 MB and
seconds to load; here the pieces are a dict (about 40 MB, well under a second). It reads the same
``tokenizer.json`` and gives the same ids, as ``tokenizers`` computes them for that file
(``tests/core/test_unigram.py`` compares the two on the corpus and the suites' questions):

- special tokens (``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>``) typed in the text are split
  out first, as themselves;
- each other part is normalised: the NMT rules (control characters dropped, a few spaces and
  separators made spaces), NFKC, runs of spaces made one;
- spaces become ``▁``, one is put in front, and the text is cut into words before each ``▁``;
- each word is split into pieces by Viterbi: the best total score, on a tie the shorter piece
  first; a character no piece starts with is unknown, at the lowest score less 10, and unknown
  characters in a row make one ``<unk>``;
- ``<s>`` and ``</s>`` around it all.

The windows of long passages need character offsets; those come from ``tokenizers`` (at ingest).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

SPACE = "\u2581"
UNK_PENALTY = 10.0
_NMT_DROP = [*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x8F, 0x9F]
_NMT_SPACE = [0x09, 0x0A, 0x0C, 0x0D, 0x1680, *range(0x200B, 0x2010), 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD]
_NMT = str.maketrans({**dict.fromkeys(_NMT_DROP), **dict.fromkeys(_NMT_SPACE, " ")})
_RUNS = re.compile(" {2,}")
_WORDS = re.compile(f"{SPACE}[^{SPACE}]*")
_CACHE_MAX = 50_000  # words whose pieces are kept (legal text repeats its words)


class Unigram:
    def __init__(self, vocab: list[tuple[str, float]], unk_id: int, special: dict[str, int], bos: int,
                 eos: int) -> None:
        self._ids = {piece: i for i, (piece, _) in enumerate(vocab)}
        self._scores = [score for _, score in vocab]
        self._longest = max(len(piece) for piece, _ in vocab)
        self._unk = unk_id
        self._unk_score = min(self._scores) - UNK_PENALTY
        self._special = special
        self._split = re.compile("|".join(re.escape(t) for t in sorted(special, key=len, reverse=True)))
        self._bos, self._eos = bos, eos
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path) -> Unigram:
        """From a ``tokenizer.json`` of a unigram model (the one :mod:`core.embed` writes)."""
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        model = data["model"]
        if model.get("type") != "Unigram" or model.get("byte_fallback"):
            raise ValueError(f"{path}: not a unigram model without byte fallback")
        special = {t["content"]: int(t["id"]) for t in data.get("added_tokens", []) if t.get("special")}
        tokens = data["post_processor"]["special_tokens"]
        return cls([(str(p), float(s)) for p, s in model["vocab"]], int(model["unk_id"]), special,
                   int(tokens["<s>"]["ids"][0]), int(tokens["</s>"]["ids"][0]))

    def token_to_id(self, token: str) -> int | None:
        return self._special.get(token, self._ids.get(token))

    def encode(self, text: str, *, special_tokens: bool = True) -> list[int]:
        """The ids of ``text`` (with ``<s>`` and ``</s>`` around them unless ``special_tokens`` is off)."""
        ids = [self._bos] if special_tokens else []
        start = 0
        for found in self._split.finditer(text):
            ids += self._part(text[start:found.start()])
            ids.append(self._special[found.group()])
            start = found.end()
        ids += self._part(text[start:])
        if special_tokens:
            ids.append(self._eos)
        return ids

    def _part(self, text: str) -> list[int]:
        if not text:
            return []
        normal = _RUNS.sub(" ", unicodedata.normalize("NFKC", text.translate(_NMT))).replace(" ", SPACE)
        if not normal.startswith(SPACE):
            normal = SPACE + normal
        ids: list[int] = []
        for word in _WORDS.findall(normal):
            pieces = self._cache.get(word)
            if pieces is None:
                pieces = self._viterbi(word)
                if len(self._cache) >= _CACHE_MAX:
                    self._cache.clear()
                self._cache[word] = pieces
            ids += pieces
        return ids

    def _viterbi(self, word: str) -> list[int]:
        """The word's pieces of the best total score (as tokenizers' ``Unigram::encode_optimized``)."""
        n, ids, scores = len(word), self._ids, self._scores
        best = [0.0] * (n + 1)
        begins = [-1] * (n + 1)
        for start in range(n):
            base = best[start]
            single = False
            for end in range(start + 1, min(n, start + self._longest) + 1):
                piece = ids.get(word[start:end])
                if piece is None:
                    continue
                score = scores[piece] + base
                if begins[end] < 0 or score > best[end]:
                    best[end], begins[end] = score, start
                single = single or end == start + 1
            if not single and (begins[start + 1] < 0 or self._unk_score + base > best[start + 1]):
                best[start + 1], begins[start + 1] = self._unk_score + base, -2 - start  # unknown: -2 - start
        pieces: list[str] = []
        unknown = ""
        end = n
        while end > 0:
            mark = begins[end]
            start = mark if mark >= 0 else -2 - mark
            if mark < 0:
                unknown = word[start:end] + unknown  # unknown characters in a row: one <unk>
            else:
                if unknown:
                    pieces.append(unknown)
                    unknown = ""
                pieces.append(word[start:end])
            end = start
        if unknown:
            pieces.append(unknown)
        return [ids.get(p, self._unk) for p in reversed(pieces)]
