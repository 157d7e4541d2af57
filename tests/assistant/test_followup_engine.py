"""Follow-ups over the real corpus and model: the issue's own example, and what stays as it was."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model


def test_the_issues_follow_up_is_read_with_its_question(real_assistant) -> None:  # type: ignore[no-untyped-def]
    first = "Vem ska säkerhetsprövas?"
    answer = real_assistant.answer(first)
    assert answer.interpreted_as is None and answer.text.startswith("Vilka som omfattas framgår av"), \
        "who must be vetted is answered as who is covered, not who is responsible"
    follow = real_assistant.answer("Gäller det även doktorander?", history=[first])
    assert follow.interpreted_as and follow.interpreted_as.startswith("Gäller det även doktorander? (")
    assert "säkerhetsskyddslagen" in follow.interpreted_as, "searched with the document the answer cited"
    assert not follow.abstained and follow.lang == "sv"
    followed = [h.clause_id for h in real_assistant.search("Gäller det även doktorander?", k=10, history=[first])]
    interpretation = [h.clause_id for h in real_assistant.search(follow.interpreted_as, k=30)]
    own_words = [h.clause_id for h in real_assistant.search("Gäller det även doktorander?", k=30)]
    previous = [h.clause_id for h in real_assistant.search(first, k=30)]
    assert followed[0] == interpretation[0], "the interpretation leads the fused ranking"
    assert set(followed) <= set(interpretation) | set(own_words) | set(previous), \
        "nothing but what the three searches found"
    assert followed != own_words[:10], "the follow-up was not searched as its own words alone"


def test_a_standalone_question_is_searched_as_before(real_assistant) -> None:  # type: ignore[no-untyped-def]
    question = "Vad är en säkerhetsskyddsanalys?"
    alone = [h.clause_id for h in real_assistant.search(question, k=10)]
    after = [h.clause_id for h in real_assistant.search(question, k=10, history=["Vem ska säkerhetsprövas?"])]
    assert alone == after, "a new topic in the middle of a conversation drags no old context along"
