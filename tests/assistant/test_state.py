"""The query side's state: built once per loaded index, held by the assistant, never set on the index."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.engine import Assistant, Retrieval
from assistant.state import Columns, QueryCache, SearchState, companion_documents


def test_the_state_is_derived_from_the_index_it_holds(small_assistant: Assistant) -> None:
    state = small_assistant.state
    index = small_assistant.index
    assert state.index is index
    assert len(state.columns.doc) == len(index.clauses) and state.columns.doc_ids == frozenset(index.documents)
    assert state.sentence_clause.tolist() == [s.clause_idx for s in index.sentences]
    assert state.in_force_ids == {c.clause_id for c in index.clauses if c.status == "in_force"}
    assert "ssl" in state.known_names, "short names of documents are known names"
    assert all(index.clauses[i].doc_id == "sfs-2018-585" for _, term, i in state.defined_terms
               if term == "säkerhetskänslig verksamhet"), "the defining clause of a term"
    assert state.companions.get("sfs-2018-585") == ["sfs-2021-955"], "the act and its ordinance"


def test_answering_sets_nothing_on_the_index(small_assistant: Assistant) -> None:
    before = set(vars(small_assistant.index))
    small_assistant.answer("Vem ska säkerhetsprövas?")
    small_assistant.search("säkerhetsskyddsanalys", k=3)
    assert set(vars(small_assistant.index)) == before, "query-time caches belong to the SearchState"


def test_a_new_state_for_a_new_index(small_assistant: Assistant) -> None:
    other = SearchState.build(small_assistant.index)
    assert other is not small_assistant.state and other.query_vectors is not small_assistant.state.query_vectors


def test_the_retrieval_handed_to_the_answer_is_a_frozen_record(small_assistant: Assistant) -> None:
    retrieval = small_assistant._ranked("Vem ska säkerhetsprövas?", small_assistant._filters(None), 10, "hybrid")
    assert isinstance(retrieval, Retrieval)
    with pytest.raises(dataclasses.FrozenInstanceError):
        retrieval.lang = "en"  # type: ignore[misc]
    assert retrieval.token_set == frozenset(retrieval.tokens)
    assert [s for s, via in retrieval.ranked if via == "search"] == retrieval.hits


def test_query_cache_keeps_the_most_recent() -> None:
    cache = QueryCache(size=2)
    calls: list[str] = []

    def compute(text: str) -> np.ndarray:
        calls.append(text)
        return np.array([len(text)], dtype=np.float32)

    for text in ("a", "bb", "a", "ccc", "a", "bb"):
        cache.get(text, compute)
    assert calls == ["a", "bb", "ccc", "bb"], "a hit moves to the end; the least recently used goes first"


def test_columns_and_companions_of_the_small_index(small_assistant: Assistant) -> None:
    columns = Columns.of(small_assistant.index)
    assert columns.in_force.sum() == len(small_assistant.state.in_force_ids)
    assert companion_documents(small_assistant.index) == small_assistant.state.companions


@pytest.mark.model
def test_the_abbreviation_a_document_name_is_built_on_is_known(real_assistant: Assistant) -> None:
    known = real_assistant.state.known_names
    assert {"fdi", "fdi-lagen"} <= known, "FDI-lagen makes FDI a name the corpus knows"
    assert "lagen" not in known, "only the abbreviation before the hyphen, not the word after it"
    answer = real_assistant.answer("Vem tar emot en FDI-anmälan?")
    # the FDI act, or its ordinance, whose 4 § names the authority that receives the notification
    assert not answer.abstained and any(c.doc_id in ("sfs-2023-560", "sfs-2023-624") for c in answer.citations)
