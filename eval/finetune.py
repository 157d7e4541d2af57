"""Experiment: fine-tune the query side of the bundled e5-small on the question bank (issue 11, item 4).

Only the *query* encoder is trained; the index's passage and sentence vectors stay the base model's,
so nothing is re-embedded. The training signal is the engine's own text score of a clause,
``(1 - sentence_weight) · max(passage cosines) + sentence_weight · max(sentence cosines)``, turned
into a softmax over every clause in force (temperature ``--temperature``): a bank question should
score its own clause above all others, the other clauses of the same document included (they are
the hard negatives, and they are all in the softmax). The lower layers and the word embeddings
are frozen (``--layers``: how many of the top transformer layers learn), one seed fixes the
order and the initialisation, so a run is reproducible on the same libraries.

Each trained encoder is then scored through the engine itself (:func:`eval.run.run_eval`) on
tunable suites only (sealed ones are refused here; read blind-test with ``vagvisare eval run``):
the query vector is ``normalise(mix · tuned + (1 - mix) · base)`` (``--mix``), and the bank
vectors are either the index's base ones or re-embedded by the tuned encoder (``--bank tuned``).
The eval suites are never training data: only ``corpus/bank/*.jsonl`` (through the index) is.

    .venv/bin/python -m eval.finetune --layers 4 --lr 2e-5 --epochs 1 --mix 1 --mix 0.5 --bank base

prints one row per (training configuration, mix, bank) with hybrid and dense recall@5 and MRR@10
per suite, the base model's first. Measured result and verdict (not kept): eval/README.md,
"Levers measured and not kept".
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engine import Assistant
from core.embed import Embedder, bundled_model_dir
from core.settings import Settings, load_settings
from core.store import IndexData
from eval.calibrate import calibrate
from eval.run import run_eval
from eval.suites import load_suites, require_tunable

log = logging.getLogger(__name__)

SUITES = ("dev", "blind-train", "blind-extra")
MODES = ("hybrid", "dense")
HEADLINE = ("recall_at_5", "mrr_at_10", "citation_precision", "abstention_precision", "abstention_recall")


@dataclass(frozen=True)
class Config:
    layers: int = 4  # top transformer layers trained (the rest and the embeddings frozen)
    lora: int = 0  # 0: those layers' weights themselves; r > 0: a rank-r LoRA on each of their linear maps
    lr: float = 2e-5
    epochs: int = 1
    batch: int = 32
    temperature: float = 0.02
    seed: int = 0

    def name(self) -> str:
        lora = f" lora{self.lora}" if self.lora else ""
        return f"L{self.layers}{lora} lr{self.lr:g} ep{self.epochs} t{self.temperature:g} s{self.seed}"


def training_pairs(index: IndexData) -> list[tuple[str, int]]:
    """(bank question, its clause's row) for every bank question of a clause in force and not stale."""
    return [(b.question, b.clause_idx) for b in index.bank
            if not b.stale and index.clauses[b.clause_idx].status == "in_force"]


class _Targets:
    """The index's base vectors as torch tensors, with the maps from passage / sentence rows to clauses."""

    def __init__(self, index: IndexData, sentence_weight: float) -> None:
        import torch

        self.clauses = np.flatnonzero([c.status == "in_force" for c in index.clauses])
        column = {int(c): i for i, c in enumerate(self.clauses)}  # clause row -> softmax column
        keep_p = [i for i, c in enumerate(index.passage_clause) if int(c) in column]
        keep_s = [i for i, s in enumerate(index.sentences) if s.clause_idx in column]
        self.passages = torch.from_numpy(np.ascontiguousarray(index.passage_vectors()[keep_p], dtype=np.float32))
        self.passage_col = torch.tensor([column[int(index.passage_clause[i])] for i in keep_p])
        self.sentences = torch.from_numpy(np.ascontiguousarray(index.sentence_vectors[keep_s], dtype=np.float32))
        self.sentence_col = torch.tensor([column[index.sentences[i].clause_idx] for i in keep_s])
        has_sentence = torch.zeros(len(self.clauses), dtype=torch.bool)
        has_sentence[self.sentence_col] = True
        self.has_sentence = has_sentence
        self.column = column
        self.sentence_weight = sentence_weight

    def clause_scores(self, queries: Any) -> Any:
        """The engine's dense text score of every clause in force, for a batch of query vectors."""
        import torch

        def best(vectors: Any, cols: Any) -> Any:
            sims = queries @ vectors.T
            out = torch.full((len(queries), len(self.clauses)), -1.0)
            return out.scatter_reduce(1, cols.expand(len(queries), -1), sims, reduce="amax", include_self=True)

        text = best(self.passages, self.passage_col)
        if self.sentence_weight and len(self.sentences):
            sentence = best(self.sentences, self.sentence_col)
            w = self.sentence_weight * self.has_sentence.float()
            text = (1 - w) * text + w * sentence
        return text


class QueryEncoder:
    """The bundled model's BertModel with e5's mean pooling and normalisation, for ``query:`` texts."""

    def __init__(self, settings: Settings) -> None:
        import torch
        from transformers import AutoTokenizer, BertModel

        folder = bundled_model_dir(settings.model_cache_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.bert = BertModel.from_pretrained(str(folder), attn_implementation="eager")
        self.torch = torch

    def vectors(self, texts: Sequence[str]) -> Any:
        enc = self.tokenizer([f"query: {t}" for t in texts], padding=True, truncation=True, max_length=512,
                             return_tensors="pt")
        hidden = self.bert(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        weights = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return self.torch.nn.functional.normalize(mean, p=2, dim=1)

    def frozen(self, texts: Sequence[str], below: int, batch: int = 64) -> list[Any]:
        """Each text's hidden states after the first ``below`` layers (which do not learn): computed once."""
        out: list[Any] = []
        self.bert.eval()
        with self.torch.no_grad():
            for i in range(0, len(texts), batch):
                enc = self.tokenizer([f"query: {t}" for t in texts[i:i + batch]], padding=True, truncation=True,
                                     max_length=512, return_tensors="pt")
                hidden = self.bert.embeddings(input_ids=enc["input_ids"])
                mask = enc["attention_mask"]
                for layer in self.bert.encoder.layer[:below]:
                    hidden = layer(hidden, self._extended(mask))
                out += [h[:int(n)].clone() for h, n in zip(hidden, mask.sum(1), strict=True)]
        return out

    def _extended(self, mask: Any) -> Any:
        return (1.0 - mask[:, None, None, :].float()) * self.torch.finfo(self.torch.float32).min

    def top(self, cached: Sequence[Any], below: int) -> Any:
        """Sentence vectors from cached hidden states, through the layers from ``below`` on (with grad)."""
        width = max(len(h) for h in cached)
        hidden = self.torch.zeros(len(cached), width, cached[0].shape[-1])
        mask = self.torch.zeros(len(cached), width, dtype=self.torch.long)
        for row, h in enumerate(cached):
            hidden[row, :len(h)] = h
            mask[row, :len(h)] = 1
        for layer in self.bert.encoder.layer[below:]:
            hidden = layer(hidden, self._extended(mask))
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return self.torch.nn.functional.normalize(mean, p=2, dim=1)

    def encode(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        self.bert.eval()
        with self.torch.no_grad():
            parts = [self.vectors(texts[i:i + batch]).numpy() for i in range(0, len(texts), batch)]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 384), np.float32)


LINEAR = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "intermediate.dense", "output.dense")


def add_lora(layers: Any, rank: int, seed: int) -> list[Any]:
    """Replace each linear map of ``layers`` by itself plus a rank-``rank`` update ``B·A`` (B starts at 0)."""
    import torch

    class LoRALinear(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base = base
            generator = torch.Generator().manual_seed(seed)
            a = torch.randn(rank, base.in_features, generator=generator) / base.in_features ** 0.5
            self.a = torch.nn.Parameter(a)
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.a.T) @ self.b.T

    params: list[Any] = []
    for layer in layers:
        for name in LINEAR:
            *path, last = name.split(".")
            parent = layer
            for part in path:
                parent = getattr(parent, part)
            module = LoRALinear(getattr(parent, last))
            setattr(parent, last, module)
            params += [module.a, module.b]
    return params


def train(settings: Settings, index: IndexData, config: Config) -> tuple[QueryEncoder, dict[str, Any]]:
    """A query encoder trained on the bank questions of ``index`` (see the module docstring)."""
    import torch

    torch.manual_seed(config.seed)
    random.seed(config.seed)
    encoder = QueryEncoder(settings)
    bert = encoder.bert
    n_layers = len(bert.encoder.layer)
    top = bert.encoder.layer[n_layers - config.layers:]
    for p in bert.parameters():
        p.requires_grad = False
    if config.lora:
        trainable = add_lora(top, config.lora, config.seed)
    else:
        trainable = [p for layer in top for p in layer.parameters()]
        for p in trainable:
            p.requires_grad = True
    targets = _Targets(index, settings.sentence_weight)
    pairs = [(q, targets.column[c]) for q, c in training_pairs(index)]
    below = n_layers - config.layers
    cached = encoder.frozen([q for q, _ in pairs], below)
    optimiser = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=0.01)
    steps = config.epochs * ((len(pairs) + config.batch - 1) // config.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    started = time.perf_counter()
    losses: list[float] = []
    bert.train()
    order = list(range(len(pairs)))
    for epoch in range(config.epochs):
        random.Random(config.seed + epoch).shuffle(order)
        for start in range(0, len(order), config.batch):
            batch = order[start:start + config.batch]
            rows = [pairs[i] for i in batch]
            queries = encoder.top([cached[i] for i in batch], below)
            logits = targets.clause_scores(queries) / config.temperature
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([c for _, c in rows]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(float(loss.detach()))
            if len(losses) % 20 == 0:
                log.info("epoch %d step %d/%d loss %.3f", epoch + 1, len(losses), steps,
                         float(np.mean(losses[-20:])))
    bert.eval()
    info = {"pairs": len(pairs), "steps": steps, "seconds": round(time.perf_counter() - started, 1),
            "loss_first": round(float(np.mean(losses[:20])), 4), "loss_last": round(float(np.mean(losses[-20:])), 4)}
    return encoder, info


class MixedQueries:
    """An embedder whose questions are ``normalise(mix · tuned + (1 - mix) · base)``; passages as the base's."""

    def __init__(self, base: Embedder, tuned: QueryEncoder, mix: float) -> None:
        self.base, self.tuned, self.mix = base, tuned, mix
        self.fingerprint, self.dim, self.max_tokens = base.fingerprint, base.dim, base.max_tokens

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        tuned = self.tuned.encode(texts)
        if self.mix >= 1:
            return tuned
        v = self.mix * tuned + (1 - self.mix) * self.base.encode_queries(texts)
        return np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True), dtype=np.float32)

    def encode_questions(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.base.encode_passages(texts, progress=progress)

    def windows(self, text: str, overlap: int = 64) -> list[tuple[int, int]]:
        return self.base.windows(text, overlap)


def score(settings: Settings, base: Assistant, embedder: Embedder, bank_vectors: np.ndarray | None,
          suites: list[Any], refit: bool = False) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, Any]]:
    """The engine's aggregates per suite and mode with these query (and bank) vectors. With ``refit``, the
    abstention model is first refitted on the suites with them, as `vagvisare eval calibrate` would (into a
    temporary file the engine reads for this run only; assistant/calibration.json is left alone)."""
    import tempfile

    import assistant.engine as engine

    original, load = base.index.bank_vectors, engine.load_model
    try:
        if bank_vectors is not None:
            base.index.bank_vectors = bank_vectors
        bot = Assistant(settings, base.index, embedder)
        fitted: dict[str, Any] = {}
        if refit:
            path = Path(tempfile.mkdtemp()) / "calibration.json"
            result = calibrate(settings, suites, out=path, assistant=bot)
            fitted = {f"refit/{k}": result[k] for k in ("abstain_threshold", "precision", "recall", "accuracy", "f1")}
            engine.load_model = functools.partial(load, path)  # type: ignore[assignment]
            bot = Assistant(settings, base.index, embedder)
        return run_eval(settings, suites, MODES, assistant=bot, curves=False).aggregates, fitted
    finally:
        base.index.bank_vectors, engine.load_model = original, load


def _row(label: str, aggregates: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    return {"run": label, **{f"{s}/{m}/{k}": aggregates[s][m].get(k)
                             for s in aggregates for m in MODES for k in HEADLINE}}


def _print(row: dict[str, Any]) -> None:
    cells = [row["run"]]
    for suite in SUITES:
        for mode in MODES:
            r5, mrr = row.get(f"{suite}/{mode}/recall_at_5"), row.get(f"{suite}/{mode}/mrr_at_10")
            cells.append(f"{suite.replace('blind-', 'b')}/{mode[:3]} {r5 or 0:.3f}/{mrr or 0:.3f}")
    if "refit/precision" in row:
        cells.append(f"refit abst P/R {row['refit/precision']}/{row['refit/recall']}")
    print(" | ".join(cells), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", type=int, action="append", help="top layers trained (repeatable; default 4)")
    p.add_argument("--lora", type=int, default=0, help="rank of a LoRA on the trained layers (0: full weights)")
    p.add_argument("--lr", type=float, action="append", help="learning rate (repeatable; default 2e-5)")
    p.add_argument("--epochs", type=int, action="append", help="epochs (repeatable; default 1)")
    p.add_argument("--temperature", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mix", type=float, action="append", help="share of the tuned vector (repeatable; default 1)")
    p.add_argument("--bank", choices=("base", "tuned"), action="append", help="bank vectors (default base)")
    p.add_argument("--suite", action="append", help=f"tunable suites (default {', '.join(SUITES)})")
    p.add_argument("--refit", action="store_true", help="also refit abstention on the suites (writes nothing)")
    p.add_argument("--no-baseline", action="store_true", help="skip scoring the base model")
    p.add_argument("--out", type=Path, default=Path("var/eval/finetune.jsonl"), help="one JSON line per run")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("eval.run").setLevel(logging.WARNING)
    suites = load_suites(args.suite or SUITES)
    require_tunable(suites, "fine-tune on")
    import torch

    # One thread: on a shared 2-core machine two torch threads per question were 20× slower (742 vs 36 ms).
    torch.set_num_threads(1)
    settings = load_settings()
    base = Assistant.load(settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def record(label: str, scored: tuple[dict[str, dict[str, dict[str, Any]]], dict[str, Any]],
               info: dict[str, Any]) -> None:
        row = {**_row(label, scored[0]), **scored[1], **info}
        _print(row)
        with args.out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")

    if not args.no_baseline:
        record("base", score(settings, base, base.embedder, None, suites, args.refit), {})
    for layers in args.layers or [4]:
        for lr in args.lr or [2e-5]:
            for epochs in args.epochs or [1]:
                config = Config(layers, args.lora, lr, epochs, temperature=args.temperature, seed=args.seed)
                tuned, info = train(settings, base.index, config)
                log.info("trained %s: %s", config.name(), info)
                tuned_bank = None
                for bank in args.bank or ["base"]:
                    if bank == "tuned" and tuned_bank is None:
                        tuned_bank = tuned.encode([b.question for b in base.index.bank])
                    for mix in args.mix or [1.0]:
                        embedder = MixedQueries(base.embedder, tuned, mix)
                        vectors = None
                        if bank == "tuned" and tuned_bank is not None:
                            vectors = tuned_bank if mix >= 1 else embedder.encode_queries(
                                [b.question for b in base.index.bank])
                        label = f"{config.name()} mix{mix:g} bank-{bank}"
                        record(label, score(settings, base, embedder, vectors, suites, args.refit), info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
