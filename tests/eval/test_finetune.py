"""The query fine-tuning experiment (eval/finetune.py): it trains against the engine's own clause score,
its LoRA starts as the base model, and it refuses sealed suites before loading anything."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieve import dense_scores
from eval import finetune
from eval.suites import SuiteError


def test_training_target_is_the_engines_dense_score(small_assistant) -> None:  # type: ignore[no-untyped-def]
    import torch

    state = small_assistant.state
    targets = finetune._Targets(state.index, sentence_weight=0.3)
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(3, state.index.dense.d)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    trained_on = targets.clause_scores(torch.from_numpy(queries)).numpy()
    for q, row in zip(queries, trained_on, strict=True):
        engine = dense_scores(state, q, 0.3)[targets.clauses]
        np.testing.assert_allclose(row, engine, atol=1e-5)
    # only clauses in force are in the softmax, and every bank pair points at one of them
    assert all(state.index.clauses[c].status == "in_force" for c in targets.clauses)
    pairs = finetune.training_pairs(state.index)
    assert pairs and all(c in targets.column for _, c in pairs)


def test_lora_starts_as_the_base_model_and_trains_only_itself() -> None:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    bert = BertModel(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=3, num_attention_heads=2,
                                intermediate_size=32)).eval()
    ids = torch.tensor([[1, 5, 7, 2]])
    before = bert(input_ids=ids).last_hidden_state
    for p in bert.parameters():
        p.requires_grad = False
    params = finetune.add_lora(bert.encoder.layer[1:], rank=4, seed=0)
    after = bert(input_ids=ids).last_hidden_state
    torch.testing.assert_close(before, after)
    assert len(params) == 2 * len(finetune.LINEAR) * 2
    assert {id(p) for p in bert.parameters() if p.requires_grad} == {id(p) for p in params}
    # and a step on them changes the output
    with torch.no_grad():
        params[1].add_(0.1)
    assert not torch.allclose(before, bert(input_ids=ids).last_hidden_state)


def test_sealed_suites_are_refused() -> None:
    with pytest.raises(SuiteError, match="sealed"):
        finetune.main(["--suite", "blind-test"])
