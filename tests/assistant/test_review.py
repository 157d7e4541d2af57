"""Feedback review state: its own tables beside the store's, one vote per chat answer, drafts.

Each store test runs on both backends: SQLite in the data directory and a PostgreSQL database
(the ``database_url`` fixture of tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from assistant.feedback import Store
from assistant.review import Review, VoteTakenError, append_draft, draft_entry
from core.errors import BadRequestError, NotFoundError

ANSWER = {"text": "Enligt säkerhetsskyddslagen … [1]", "html": "<div class=\"answer\">svar</div>", "lang": "sv",
          "index_version": "v1", "citations": [{"clause_id": "sfs-2018-585#3:1"}, {"clause_id": "sfs-2018-585#3:3"}]}


@pytest.fixture
def store(tmp_path: Path, database_url: str) -> Iterator[Store]:
    s = Store(tmp_path / "data", database_url)
    yield s
    s.close()


def _tables(store: Store) -> set[str]:
    if store.db.dialect == "sqlite":
        return {r["name"] for r in store.db.query("SELECT name FROM sqlite_master WHERE type='table'")}
    return {r["table_name"] for r in store.db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}


def test_items_show_the_answer_as_seen_and_record_what_was_done(store: Store, tmp_path: Path,
                                                                database_url: str) -> None:
    review = Review(store)
    message = store.add_message(store.new_conversation(), "Vem ska säkerhetsprövas?", ANSWER)
    chat = review.add_vote(message, rating="down", wrong_clause_id="sfs-2018-585#3:3", comment="fel")
    api = store.add_answer_feedback("Who must be vetted?", ANSWER, rating="up")
    items = review.items()
    assert [i.feedback.id for i in items] == [api, chat], "newest first"
    item = review.item(chat)
    assert item.answer_html == ANSWER["html"] and item.lang == "sv" and not item.done
    assert review.item(api).answer_html == "", "feedback through the API keeps the answer's text only"
    assert [i.feedback.id for i in review.items(wrong_only=True)] == [chat]
    assert [i.feedback.id for i in review.items(rating="up")] == [api]
    done = review.record(chat, "bank", "sfs-2018-585#3:3: Vem ska säkerhetsprövas?")
    assert done.done and done.action == "bank"
    assert [i.feedback.id for i in review.items(include_done=False)] == [api]
    assert review.items()[-1].feedback.id == chat, "done items come after open ones"
    review.reopen(chat)
    assert not review.item(chat).done
    again = Store(tmp_path / "data", database_url)  # a new connection, as after a restart
    assert Review(again).item(api).feedback.rating == "up", "kept across a restart"
    again.close()
    with pytest.raises(BadRequestError):
        review.record(chat, "delete")
    with pytest.raises(NotFoundError):
        review.item(999)
    assert _tables(store) >= {"conversations", "messages", "feedback", "feedback_review", "feedback_once",
                              "schema_migrations"}


def test_one_vote_per_answer_also_under_concurrent_posts(store: Store) -> None:
    review = Review(store)
    message = store.add_message(store.new_conversation(), "Vem ska säkerhetsprövas?", ANSWER)
    with pytest.raises(BadRequestError):
        review.add_vote(message, wrong_clause_id="sfs-9999-1#1")  # refused: the vote is given back
    results: list[str] = []

    def vote() -> None:
        try:
            review.add_vote(message, rating="up")
            results.append("ok")
        except VoteTakenError:
            results.append("taken")

    threads = [threading.Thread(target=vote) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["taken"] * 5
    assert len(store.feedback()) == 1 and review.voted([message.id]) == {message.id}


def test_a_draft_is_in_the_suite_format(store: Store, tmp_path: Path) -> None:
    review = Review(store)
    message = store.add_message(store.new_conversation(), "Vem ska säkerhetsprövas?", ANSWER)
    item = review.item(review.add_vote(message, rating="down", wrong_clause_id="sfs-2018-585#3:3"))
    entry = yaml.safe_load(draft_entry(item, "sfs-2018-585#3:1"))[0]
    assert entry["question"] == "Vem ska säkerhetsprövas?" and entry["relevant"] == ["sfs-2018-585#3:1"]
    assert entry["answerable"] is True and entry["lang"] == "sv"
    path = tmp_path / "drafts.yaml"
    append_draft(path, item)
    append_draft(path, item, "sfs-2018-585#3:1")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e["relevant"] for e in entries] == [[], ["sfs-2018-585#3:1"]]
    assert path.read_text(encoding="utf-8").count("Review each one") == 1, "one header"
