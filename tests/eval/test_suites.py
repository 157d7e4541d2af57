"""Suite files: the shipped suites are valid; a broken suite says which file, line and entry is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.suites import SUITES_DIR, SuiteError, check_ids, load_suite, load_suites, parse_suite, resolve_path


def test_shipped_suites_are_valid() -> None:
    dev, held, train, test = load_suites()
    assert (dev.name, held.name, train.name, test.name) == ("dev", "heldout", "blind-train", "blind-test")
    assert len(dev.cases) >= 150, "issue 6: a development suite of at least 150 questions"
    assert held.cases, "a held-out split exists"
    assert not held.tuning_allowed and dev.tuning_allowed
    assert test.sealed and not test.tuning_allowed, "blind-test is sealed: reported, never tuned on"
    assert train.tuning_allowed and not train.sealed
    assert len(train.cases) + len(test.cases) >= 400, "issue 11: at least 400 blind questions"
    suites = (dev, held, train, test)
    for a in (held, test):  # what is tuned on must not hold a question of a sealed split
        for b in suites:
            if b is a:
                continue
            shared = {c.question for c in a.cases} & {c.question for c in b.cases}
            assert not shared, f"questions in both {a.name} and {b.name}: {shared}"
    for suite in suites:
        langs = {c.lang for c in suite.cases}
        assert langs == {"sv", "en"}, f"{suite.name}: both languages, for the cross-lingual gap"
        assert any(not c.answerable for c in suite.cases), \
            f"{suite.name}: unanswerable questions, for abstention"
    for suite in (train, test):
        share = sum(not c.answerable for c in suite.cases) / len(suite.cases)
        assert share >= 0.2, f"{suite.name}: at least 20 % out of scope, got {share:.2f}"
        assert all(len(c.evidence) == len(c.relevant) for c in suite.cases), \
            f"{suite.name}: a verbatim evidence phrase for every relevant clause"


def test_blind_split_is_the_fixed_hash() -> None:
    """blind-train holds the ids whose sha256 starts with an even byte, blind-test the odd ones:
    the split cannot be chosen by looking at how the system does."""
    import hashlib

    for name, parity in (("blind-train", 0), ("blind-test", 1)):
        for case in load_suite(name).cases:
            assert hashlib.sha256(case.id.encode()).digest()[0] % 2 == parity, f"{case.id} is in the wrong split"


def test_a_sealed_suite_is_refused_whatever_its_name(tmp_path: Path) -> None:
    from eval.suites import require_tunable

    path = tmp_path / "dev.yaml"  # named like the development suite, but sealed
    path.write_text('sealed: true\nquestions:\n- id: a\n  question: "Vem ska säkerhetsprövas?"\n  lang: sv\n'
                    '  relevant: ["sfs-2018-585#3:1"]\n  answerable: true\n', encoding="utf-8")
    suite = load_suite(path)
    assert suite.sealed and not suite.tuning_allowed
    with pytest.raises(SuiteError, match="sealed"):
        require_tunable([suite], "calibrate")
    require_tunable([load_suite("dev"), load_suite("blind-train")], "calibrate")  # allowed


def test_mapping_form_reports_lines_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("sealed: maybe\nquestions: []\n", encoding="utf-8")
    with pytest.raises(SuiteError, match="'sealed' must be true or false"):
        load_suite(path)
    path.write_text("seald: true\nquestions: []\n", encoding="utf-8")
    with pytest.raises(SuiteError, match="unknown top-level key"):
        load_suite(path)
    path.write_text("questions:\n- id: a\n  question: q\n  lang: sv\n  relevant: [x]\n  answerable: true\n"
                    "  evidence: [one, two]\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"line 2, entry 1 \(a\): 'evidence' needs one phrase per relevant id"):
        load_suite(path)


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
    ("key: value", "unknown top-level key"),
    ("42", "non-empty YAML list"),
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


def _plain(text: str) -> str:
    """Text as compared with evidence: dashes and quotes unified, line-break hyphens and spaces collapsed."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    for a, b in (("–", "-"), ("—", "-"), ("”", '"'), ("“", '"'), ("’", "'")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", text)).strip().lower()


@pytest.mark.model
def test_blind_evidence_stands_in_the_cited_clause(real_assistant) -> None:  # type: ignore[no-untyped-def]
    """A blind question's id is right when its clause holds the phrase the writer copied from the source:
    a segmenter that puts text under the wrong section fails here, not silently in the metrics."""
    index = real_assistant.index
    wrong = []
    for name in ("blind-train", "blind-test"):
        for case in load_suite(name).cases:
            for rid, phrase in zip(case.relevant, case.evidence, strict=True):
                clause = index.clause(rid)
                if clause is None or _plain(phrase) not in _plain(clause.text):
                    wrong.append(f"{name}/{case.id}: {rid}")
    assert not wrong, f"evidence not found in the cited clause (segmentation or id wrong): {wrong}"
