"""The question bank: its files are checked line by line, new questions are appended safely, the index
holds it, and search finds a clause by its bank questions while a document without a bank still works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import BadRequestError, NotFoundError
from core.records import Clause
from core.settings import Settings
from ingest.bank import (
    OUTSIDE_FILE,
    BankError,
    add_question,
    check_bank,
    find_clause,
    import_questions,
    load_bank,
    load_outside,
    read_bank_file,
    text_sha,
)

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "corpus" / "bank"


def _clause(clause_id: str, text: str = "Den som ska delta i säkerhetskänslig verksamhet ska säkerhetsprövas.",
            status: str = "in_force") -> Clause:
    doc, locator = clause_id.split("#")
    return Clause(clause_id, doc, locator, locator, (), text, "sv", 0, status=status)


def test_the_shipped_bank_is_valid_and_names_real_clauses() -> None:
    entries = load_bank(BANK)
    assert len(entries) >= 4000, "issue 11: a bank for the documents researchers ask about"
    assert {e.lang for e in entries} == {"sv", "en"}
    assert all(e.origin for e in entries), "every question says who wrote it"
    assert all(len(e.text_sha) == 16 for e in entries), "every question is tied to the text it was written from"
    files = {p.stem for p in BANK.glob("*.jsonl") if p.name != OUTSIDE_FILE}
    manifest = (ROOT / "corpus" / "sources.toml").read_text(encoding="utf-8")
    assert all(f'doc_id = "{doc}"' in manifest for doc in files), "one file per document of the manifest"


def test_a_broken_file_names_each_line_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "sfs-2018-585.jsonl"
    good = {"clause_id": "sfs-2018-585#3:1", "lang": "sv", "question": "Vem ska säkerhetsprövas?"}
    path.write_text("\n".join([
        json.dumps(good),
        "{not json",
        json.dumps({**good, "lang": "de"}),
        json.dumps({**good, "clause_id": "sfs-2021-955#1:1"}),
        json.dumps({"clause_id": "sfs-2018-585#3:2", "lang": "en"}),
        json.dumps({**good, "question": "  vem SKA säkerhetsprövas "}),
        json.dumps({**good, "typo": 1}),
    ]) + "\n", encoding="utf-8")
    with pytest.raises(BankError) as info:
        read_bank_file(path)
    message = str(info.value)
    assert str(path) in message
    for expected in ("line 2: not valid JSON", "line 3: lang 'de'", "line 4: clause_id 'sfs-2021-955#1:1' is not a "
                     "clause of sfs-2018-585", "line 5: missing 'question'", "line 6: the same question for "
                     "sfs-2018-585#3:1 stands on line 1", "line 7: unknown key 'typo'"):
        assert expected in message, f"the message must say {expected!r}:\n{message}"


def test_no_bank_folder_is_an_empty_bank(tmp_path: Path) -> None:
    assert load_bank(tmp_path / "nowhere") == []
    assert load_outside(tmp_path / "nowhere") == []


def test_the_shipped_questions_outside_the_sources_are_valid() -> None:
    outside = load_outside(BANK)
    assert len(outside) >= 500, "the bank's other side: questions of the neighbouring areas the sources do not cover"
    assert {o.lang for o in outside} == {"sv", "en"}
    assert len({o.area for o in outside}) >= 10
    assert all(o.why and o.origin for o in outside), "each says what it needs that the corpus lacks, and who wrote it"
    assert not {e.question for e in load_bank(BANK)} & {o.question for o in outside}


def test_a_broken_outside_file_names_each_line(tmp_path: Path) -> None:
    good = {"lang": "sv", "question": "Hur länge gäller ett uppehållstillstånd?", "area": "migration",
            "why": "Utlänningslagen is not in the corpus.", "origin": "test"}
    (tmp_path / OUTSIDE_FILE).write_text("\n".join([
        json.dumps(good), "{oops", json.dumps({**good, "lang": "de", "question": "Wie lange?"}),
        json.dumps({k: v for k, v in good.items() if k != "why"}),
        json.dumps({**good, "question": good["question"].upper()}),
    ]) + "\n", encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_outside(tmp_path)
    message = str(info.value)
    for expected in ("line 2: not valid JSON", "line 3: lang 'de'", "line 4: a line is a JSON object with the strings "
                     "lang, question, area, why, origin", "line 5: the same question stands on line 1"):
        assert expected in message, f"the message must say {expected!r}:\n{message}"
    assert load_bank(tmp_path) == [], "the file of questions outside the sources is not a document's bank"


def test_changed_and_unknown_clauses_are_reported() -> None:
    clause = _clause("sfs-2018-585#3:1")
    entries = read_bank_lines([
        {"clause_id": "sfs-2018-585#3:1", "lang": "sv", "question": "Vem ska prövas?",
         "text_sha": text_sha(clause.text)},
        {"clause_id": "sfs-2018-585#3:1", "lang": "en", "question": "Who is vetted?", "text_sha": "0" * 16},
        {"clause_id": "sfs-2018-585#9:9", "lang": "sv", "question": "Finns den?"},
    ])
    checked = check_bank(entries, [clause])
    assert [e.question for e, _ in checked.usable] == ["Vem ska prövas?", "Who is vetted?"]
    assert [e.question for e in checked.stale] == ["Who is vetted?"], "written from another text: review it"
    assert [e.clause_id for e in checked.unknown] == ["sfs-2018-585#9:9"]
    warnings = " ".join(checked.warnings())
    assert "sfs-2018-585#9:9" in warnings and "review" in warnings


def read_bank_lines(rows: list[dict[str, str]]) -> list:  # type: ignore[type-arg]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sfs-2018-585.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
        return read_bank_file(path)


def test_adding_a_question_appends_one_line(tmp_path: Path) -> None:
    clause = _clause("sfs-2018-585#3:1")
    (tmp_path / "sfs-2018-585.jsonl").write_text(
        json.dumps({"clause_id": "sfs-2018-585#3:2", "lang": "sv", "question": "Vad är en säkerhetsprövning?"}),
        encoding="utf-8")  # no final newline: the new line must still stand on its own
    entry = add_question(tmp_path, clause, "Måste  en gästforskare säkerhetsprövas?", "sv", "support")
    lines = (tmp_path / "sfs-2018-585.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and entry.line == 2
    added = json.loads(lines[1])
    assert added == {"clause_id": "sfs-2018-585#3:1", "lang": "sv",
                     "question": "Måste en gästforskare säkerhetsprövas?", "origin": "support",
                     "text_sha": text_sha(clause.text)}
    with pytest.raises(BankError, match="already has the question"):
        add_question(tmp_path, clause, "måste en gästforskare säkerhetsprövas", "sv", "support")
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def test_importing_a_file_adds_what_fits_and_lists_the_rest(tmp_path: Path) -> None:
    clauses = [_clause("sfs-2018-585#3:1"), _clause("sfs-2018-585#3:2", status="repealed"),
               _clause("sfs-2021-955#1:1", "Denna förordning kompletterar säkerhetsskyddslagen.")]
    bank = tmp_path / "bank"
    add_question(bank, clauses[0], "Vem ska säkerhetsprövas?", "sv", "support")
    source = tmp_path / "new.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"clause_id": "sfs-2018-585#3:1", "question": "Does a guest researcher need a background check?"},
        {"clause_id": "sfs-2018-585#3:1", "question": "vem ska  SÄKERHETSPRÖVAS?"},
        {"clause_id": "sfs-2018-585#3:2", "question": "Gäller den?"},
        {"clause_id": "sfs-2018-585#9:9", "question": "Finns den?"},
        {"clause_id": "sfs-2021-955#1:1", "question": "Vad kompletterar förordningen?", "lang": "sv",
         "origin": "reviewer"},
    ]) + "\n", encoding="utf-8")
    done = import_questions(bank, source, clauses, "blind-test-writer", lambda q: "en")
    assert done.added == {"sfs-2018-585": 1, "sfs-2021-955": 1}
    assert done.skipped == ["line 2: sfs-2018-585#3:1 already has this question.",
                            "line 3: 'sfs-2018-585#3:2' is not in force.",
                            "line 4: 'sfs-2018-585#9:9' is not a clause of the corpus."]
    entries = load_bank(bank)
    assert [(e.clause_id, e.lang, e.origin) for e in entries] == [
        ("sfs-2018-585#3:1", "sv", "support"), ("sfs-2018-585#3:1", "en", "blind-test-writer"),
        ("sfs-2021-955#1:1", "sv", "reviewer")]
    assert all(e.text_sha for e in entries), "each question is tied to the text it was written from"


def test_a_malformed_import_names_its_lines_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "new.jsonl"
    source.write_text('{"clause_id": "sfs-2018-585#3:1", "question": "Vem?"}\n{oops\n["a list"]\n', encoding="utf-8")
    with pytest.raises(BankError) as info:
        import_questions(tmp_path / "bank", source, [_clause("sfs-2018-585#3:1")], "x", lambda q: "sv")
    message = str(info.value)
    assert "2 problem(s), nothing imported" in message and "line 2: not valid JSON" in message
    assert "line 3: a line is a JSON object" in message
    assert not (tmp_path / "bank").exists()


def test_a_question_needs_a_clause_in_force() -> None:
    clauses = [_clause("sfs-2018-585#3:1"), _clause("sfs-2018-585#3:9", status="repealed")]
    assert find_clause(clauses, "sfs-2018-585#3:1") is clauses[0]
    with pytest.raises(NotFoundError, match="repealed"):
        find_clause(clauses, "sfs-2018-585#3:9")
    with pytest.raises(NotFoundError, match="No clause 'sfs-2018-585#3:99'"):
        find_clause(clauses, "sfs-2018-585#3:99")


def test_the_index_holds_the_bank_and_search_uses_it(small_settings: Settings, small_assistant) -> None:  # type: ignore[no-untyped-def]
    """The small index (hash embedder) holds the shipped bank's questions of its four documents; a question worded
    as a bank question finds that question's clause first, by its words (BM25) and its vector."""
    index = small_assistant.index
    entries = [e for e in load_bank(BANK) if e.doc_id in index.documents]
    assert len(index.bank) == len(entries) > 0
    assert index.bank_vectors.shape == (len(entries), 64)
    outside = load_outside(BANK)
    assert [o.question for o in index.outside] == [o.question for o in outside]
    assert index.outside_vectors.shape == (len(outside), 64)
    english = next(o.question for o in outside if o.lang == "en")
    evidence = small_assistant.evidence(english)  # embedded with the glossary's Swedish terms added: not identical
    assert evidence.outside_top > 0.8 and evidence.outside_pull > 0.0, evidence
    entry = next(e for e in entries if e.clause_id == "sfs-2021-955#8:2")
    hits = small_assistant.search(entry.question, k=5)
    assert hits[0].clause_id == entry.clause_id, f"{entry.question!r} → {[h.clause_id for h in hits]}"


def test_a_document_without_a_bank_is_still_found(small_settings: Settings, tmp_path: Path) -> None:
    """An operator's guideline has no bank: its clauses must not be buried under those of documents that have
    one. Here the decision loses its bank while the statutes keep theirs."""
    import shutil

    from assistant.engine import Assistant
    from ingest.pipeline import build_index

    bank = tmp_path / "bank"
    bank.mkdir()
    for path in BANK.glob("*.jsonl"):
        if path.stem != "regeringsbeslut-2025-05-22":
            shutil.copy(path, bank)
    settings = small_settings.replace(index_dir=tmp_path / "index", bank_dir=bank)
    build_index(settings)
    bot = Assistant.load(settings)
    assert all(bot.index.clauses[b.clause_idx].doc_id != "regeringsbeslut-2025-05-22" for b in bot.index.bank)
    for question in ("Vilka myndigheter ska ta fram riktlinjer för ansvarsfull internationalisering?",
                     "När ska uppdraget om riktlinjer redovisas till Regeringskansliet?"):
        top = [h.doc_id for h in bot.search(question, k=3)]
        assert "regeringsbeslut-2025-05-22" in top, f"{question!r} → {top}"


def test_the_bank_commands(small_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    from vagvisare import cli

    for name in ("corpus_dir", "manifest", "index_dir", "embedding_model", "as_of"):
        monkeypatch.setenv(f"VAGVISARE_{name.upper()}", str(getattr(small_settings, name)))
    monkeypatch.setenv("VAGVISARE_BANK_DIR", str(tmp_path))
    assert cli.main(["bank", "add", "sfs-2018-585#3:1", "Måste en gästforskare säkerhetsprövas?"]) == 0
    assert "sfs-2018-585.jsonl line 1 (3 kap. 1 §, sv)" in capsys.readouterr().out
    added = json.loads((tmp_path / "sfs-2018-585.jsonl").read_text(encoding="utf-8"))
    assert added["origin"] == "support" and added["lang"] == "sv"
    assert cli.main(["bank", "add", "sfs-2018-585#3:99", "Finns den?"]) == NotFoundError.exit_code
    assert "No clause 'sfs-2018-585#3:99'" in capsys.readouterr().err
    source = tmp_path / "writers" / "import.jsonl"
    source.parent.mkdir()
    source.write_text(json.dumps({"clause_id": "sfs-2018-585#3:1", "question": "Who needs a security vetting?"})
                      + "\n" + json.dumps({"clause_id": "sfs-2018-585#3:99", "question": "Finns den?"}) + "\n",
                      encoding="utf-8")
    assert cli.main(["bank", "import", str(source), "--origin", "blind-writer"]) == 0
    out = capsys.readouterr().out
    assert f"skipped {source}:2: 'sfs-2018-585#3:99' is not a clause of the corpus." in out
    assert "Added 1 question(s) (sfs-2018-585 1); skipped 1." in out
    assert cli.main(["bank", "outside", "Hur länge gäller ett uppehållstillstånd för en gästforskare?",
                     "--why", "Utlänningslagen is not in the corpus.", "--area", "migration"]) == 0
    assert "_outside.jsonl line 1 (sv)" in capsys.readouterr().out
    assert cli.main(["bank", "outside", "Hur länge gäller ett uppehållstillstånd för en gästforskare?",
                     "--why", "again"]) == BadRequestError.exit_code
    assert "already has the question" in capsys.readouterr().err
    assert cli.main(["bank", "check"]) == 0
    out = capsys.readouterr().out
    assert "2 questions for 1 of" in out and "1 questions the sources do not answer (_outside.jsonl)" in out
