"""Feedback → draft suite entries: only negative feedback, merged per question, invalid until reviewed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.feedback import Store
from eval.feedback import drafts_from_feedback, to_yaml
from eval.suites import SuiteError, parse_suite

CITED = [{"clause_id": "sfs-2018-585#2:1"}, {"clause_id": "sfs-2018-585#3:1"}]


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path)
    common = {"answer_text": "…", "citations": CITED, "index_version": "v1"}
    add = s.add_feedback
    add(question="Vem gör säkerhetsskyddsanalysen?", rating="down", comment="fel paragraf", **common)
    add(question="Vem gör  säkerhetsskyddsanalysen?", wrong_clause_id="sfs-2018-585#3:1", **common)
    add(question="Vad är säkerhetsskydd?", rating="up", **common)  # positive: not a case
    add(question="Vad menas med säkerhetskänslig verksamhet?", rating="down", **common)  # already in dev
    add(question="Who decides on security vetting?", wrong_clause_id="sfs-2018-585#2:1", **common)
    return s


def test_drafts_merge_per_question_and_skip_known(store: Store) -> None:
    drafts = drafts_from_feedback(store.feedback(), ["Vad menas med säkerhetskänslig verksamhet?"])
    assert [d.question for d in drafts] == ["Vem gör säkerhetsskyddsanalysen?",
                                            "Who decides on security vetting?"]
    first, second = drafts
    assert first.feedback_ids == [1, 2] and first.thumbs_down == 1
    assert first.wrong == ["sfs-2018-585#3:1"] and first.candidates == ["sfs-2018-585#2:1"]
    assert first.comments == ["fel paragraf"] and first.lang == "sv"
    assert second.lang == "en" and second.candidates == ["sfs-2018-585#3:1"]


def test_yaml_is_a_suite_that_fails_until_reviewed(store: Store, tmp_path: Path) -> None:
    text = to_yaml(drafts_from_feedback(store.feedback()))
    entries = yaml.safe_load(text)
    assert [e["id"] for e in entries] == ["fb-0001", "fb-0004", "fb-0005"]
    assert "citation wrong: sfs-2018-585#3:1" in entries[0]["note"]
    assert "# REVIEW: candidates (cited, not reported wrong): sfs-2018-585#2:1" in text
    with pytest.raises(SuiteError, match="needs at least one relevant id"):
        parse_suite(text, tmp_path / "drafts.yaml")
    reviewed = text.replace("relevant: []", 'relevant: ["sfs-2018-585#2:1"]')
    assert len(parse_suite(reviewed, tmp_path / "drafts.yaml").cases) == 3


def test_no_feedback_gives_an_empty_draft_file() -> None:
    assert yaml.safe_load(to_yaml([])) is None
