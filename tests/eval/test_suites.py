"""Suite files: the shipped suites are valid; a broken suite says which file, line and entry is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.suites import SUITES_DIR, SuiteError, check_ids, load_suite, load_suites, parse_suite, resolve_path


def test_shipped_suites_are_valid() -> None:
    dev, held = load_suites()
    assert (dev.name, held.name) == ("dev", "heldout")
    assert len(dev.cases) >= 150, "issue 6: a development suite of at least 150 questions"
    assert held.cases, "a held-out split exists"
    assert not held.tuning_allowed and dev.tuning_allowed
    shared = {c.question for c in dev.cases} & {c.question for c in held.cases}
    assert not shared, f"questions in both splits: {shared}"
    for suite in (dev, held):
        langs = {c.lang for c in suite.cases}
        assert langs == {"sv", "en"}, f"{suite.name}: both languages, for the cross-lingual gap"
        assert any(not c.answerable for c in suite.cases), \
            f"{suite.name}: unanswerable questions, for abstention"


def test_names_resolve_to_the_suites_folder() -> None:
    assert resolve_path("dev") == SUITES_DIR / "dev.yaml"
    assert resolve_path("my/own.yaml") == Path("my/own.yaml")


def test_errors_name_file_line_and_entry(tmp_path: Path) -> None:
    text = """\
- id: a
  question: "Fine?"
  lang: sv
  relevant: ["sfs-2018-585#1:1"]
  answerable: true
- id: b
  question: "Wrong language"
  lang: de
  relevant: "sfs-2018-585#1:1"
  answerable: true
- id: a
  question: "Duplicate id, unanswerable with relevant ids"
  lang: en
  relevant: ["x#1"]
  answerable: false
  typo: 1
"""
    with pytest.raises(SuiteError) as info:
        parse_suite(text, tmp_path / "broken.yaml")
    message = str(info.value)
    assert "broken.yaml" in message
    assert "line 6, entry 2 (b): lang 'de'" in message
    assert "line 6, entry 2 (b): 'relevant' must be a list" in message
    assert "line 11, entry 3 (a): id 'a' is already used by entry 1" in message
    assert "answerable: false must have relevant: []" in message
    assert "unknown key 'typo'" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("key: value", "non-empty YAML list"),
    ("- [unclosed", "not valid YAML"),
    ("- id: x\n  question: q\n  lang: sv\n  relevant: []\n  answerable: true\n",
     "needs at least one relevant id"),
    ("- id: x\n  question: q\n  lang: sv\n  relevant: [a]\n", "missing 'answerable'"),
])
def test_malformed_suites(text: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=expected):
        parse_suite(text, tmp_path / "s.yaml")


def test_missing_file_lists_the_known_suites(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="dev, heldout"):
        load_suite(tmp_path / "nope.yaml")


def test_unknown_ids_are_reported_with_suggestions(tmp_path: Path) -> None:
    text = '- id: x\n  question: q\n  lang: sv\n  relevant: ["sfs-2018-585#2:l"]\n  answerable: true\n'
    suite = parse_suite(text, tmp_path / "s.yaml")
    with pytest.raises(SuiteError, match=r"did you mean .*sfs-2018-585#2:1"):
        check_ids(suite, {"sfs-2018-585#2:1", "sfs-2018-585#2:2"}, {"sfs-2018-585"})
    check_ids(suite.__class__(suite.name, suite.path, suite.sha256, ()), set(), set())  # nothing to check


@pytest.mark.model
def test_every_relevant_id_exists_in_the_real_index(real_assistant) -> None:  # type: ignore[no-untyped-def]
    index = real_assistant.index
    for suite in load_suites():
        check_ids(suite, index.by_id.keys(), index.documents.keys())
        for case in suite.cases:
            for rid in case.relevant:
                clause = index.clause(rid)
                assert clause is None or clause.status == "in_force", \
                    f"{suite.name}/{case.id}: {rid} is {clause and clause.status}; search skips those"
