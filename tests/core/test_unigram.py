"""The Python tokenizer gives tokenizers' ids for the bundled model's tokenizer.json, text for text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from core.embed import bundled_model_dir
from core.unigram import Unigram

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
pytestmark = pytest.mark.model

ODD = [
    "", " ", "   ", " lead", "trail ", "a  b", "tab\tand\nnewline\r\n", "x\x01y\x7f", "\u200bzero width",
    "a\u00a0\u00a0b\u3000c", "ﬁnal ＡＢＣ ① ²", "e\u0301 ǅ Ω≈ç√∫", "emoji 😀🙂 ok", "中文字符测试", "\u2581x",
    "<s>hej</s>", "a<mask>b", "<unk> <pad>", "query: 2 kap. 1 § säkerhetsskyddslagen (2018:585)",
    "SÄKERHETSPRÖVNING!!! av   konsulter???", "ÅÄÖ åäö øæ ß ł", "x" * 600,
]


def _texts() -> list[str]:
    texts = list(ODD)
    for path in sorted((ROOT / "corpus" / "bank").glob("*.jsonl")):
        texts += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    for path in sorted((CORPUS / "government").glob("*.md"))[:3]:
        texts += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return texts


@pytest.fixture(scope="module")
def tokenizer_file() -> Path:
    return bundled_model_dir(ROOT / "var" / "models") / "tokenizer.json"


def test_the_same_ids_as_tokenizers(tokenizer_file: Path) -> None:
    ours = Unigram.from_file(tokenizer_file)
    theirs = Tokenizer.from_file(str(tokenizer_file))
    texts = _texts()
    assert len(texts) > 3000, "the bank's questions and the documents' paragraphs are there to compare"
    for text in texts:
        assert ours.encode(text) == theirs.encode(text).ids, f"the ids of {text[:80]!r}"
        assert ours.encode(text, special_tokens=False) == theirs.encode(text, add_special_tokens=False).ids


def test_not_a_unigram_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps({"model": {"type": "BPE", "vocab": {}}}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a unigram model"):
        Unigram.from_file(path)
