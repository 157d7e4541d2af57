"""The dialogue suite: its format, the fixed split and the aggregates (worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.dialogues import DialogueRow, aggregate, half, load_dialogues, parse_dialogues
from eval.suites import SuiteError


def test_the_split_is_a_fixed_hash_of_the_id() -> None:
    # sha256("dlg-010") starts with "a" (even: train); sha256("dlg-001") with "9" (odd: test)
    assert half("dlg-010") == "train" and half("dlg-001") == "test"
    dialogues = load_dialogues()
    assert len(dialogues) >= 60, "at least 60 two-turn dialogues"
    halves = {d.half for d in dialogues}
    assert halves == {"train", "test"}
    assert {t.lang for d in dialogues for t in d.turns} == {"sv", "en"}
    assert any(d.turns[0].lang != d.turns[1].lang for d in dialogues), "some switch language"
    assert any(d.turns[1].followup and not d.turns[1].answerable for d in dialogues), "some out of scope"


def test_a_malformed_dialogue_is_refused_naming_it() -> None:
    text = """
- id: d1
  turns:
    - {question: "Vem?", lang: sv, relevant: ["a#1"], answerable: true, followup: true}
    - {question: "Och?", lang: xx, relevant: [], answerable: true}
"""
    with pytest.raises(SuiteError) as exc:
        parse_dialogues(text, Path("d.yaml"))
    message = str(exc.value)
    assert "(d1), turn 1: only second turns" in message and "turn 2: a second turn says followup" in message
    assert "lang 'xx'" in message and "answerable: true needs at least one relevant id" in message


def test_aggregates_by_hand() -> None:
    rows = [
        DialogueRow("a", "train", True, True, True, True, "Och? (x)", 1.0, 0.0, False, False),
        DialogueRow("b", "train", True, True, True, False, None, 0.5, 0.5, False, True),
        DialogueRow("c", "train", True, False, True, True, "Vad? (y)", None, None, True, False),
        DialogueRow("d", "train", False, True, True, True, None, 1.0, 1.0, False, False),
    ]
    agg = aggregate(rows)
    assert agg["followup_recall_at_5_with_history"] == 0.75 and agg["followup_recall_at_5_without_history"] == 0.25
    assert agg["followup_recall_gain"] == 0.5
    assert agg["first_after_other_dialogue_null"] == 0.75 and agg["new_topic_interpreted_null"] == 1.0
    assert agg["followups_interpreted"] == round(2 / 3, 4)
    assert agg["out_of_scope_abstained_with_history"] == 1.0 and agg["out_of_scope_abstained_without_history"] == 0
    assert agg["answerable_followups_answered_without_history"] == 0.5
