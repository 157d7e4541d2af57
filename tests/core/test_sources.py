"""The source manifest: the real one loads; every mistake gets one message naming the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.sources import BINDINGS, FORMATS, KINDS, Source, load_sources, source_to_toml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "corpus" / "sources.toml"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()

GOOD = """\
# two sources
[[source]]
doc_id = "a-1"
title = "A"
kind = "page"
binding = "information"
lang = "sv"
format = "markdown"
path = "a.md"

[[source]]
doc_id = "b-1"
title = "B"
kind = "statute"
binding = "law"
lang = "sv"
format = "sfs-json"
path = "b.json"
"""


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _manifest(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message, "the message names the manifest file"
    assert info.value.exit_code == 2, "a configuration mistake exits with 2"
    return message


def test_the_real_manifest() -> None:
    sources = load_sources(MANIFEST)
    assert len(sources) == 24, "the 24 documents of the default corpus"
    assert len({s.doc_id for s in sources}) == 24
    by_id = {s.doc_id: s for s in sources}
    ssl = by_id["sfs-2018-585"]
    assert (ssl.title, ssl.short, ssl.kind, ssl.binding, ssl.format, ssl.as_of) == (
        "Säkerhetsskyddslag (2018:585)", "SSL", "statute", "law", "sfs-json", "t.o.m. SFS 2025:1472")
    assert by_id["regeringsbeslut-2025-05-22"].kind == "decision"
    assert ssl.line == MANIFEST.read_text(encoding="utf-8").splitlines().index("doc_id = \"sfs-2018-585\""), (
        "a source remembers the line of its [[source]] header (the line before its doc_id)")
    for s in sources:
        assert s.file(CORPUS).is_file(), f"{s.doc_id}: {s.path} must exist in the corpus"


def test_a_good_manifest(tmp_path: Path) -> None:
    sources = load_sources(_manifest(tmp_path, GOOD))
    assert [(s.doc_id, s.line) for s in sources] == [("a-1", 2), ("b-1", 11)], "header lines are remembered"
    assert sources[0].display_name("sv") == "A" and sources[0].aliases == ()


def test_a_typo_in_kind_names_the_line_of_that_field_and_the_allowed_values(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('kind = "statute"', 'kind = "lag"'))
    assert "line 14: unknown kind 'lag'" in message, message
    assert ", ".join(KINDS) in message, "the allowed values are listed"


@pytest.mark.parametrize(("field", "bad", "allowed"), [
    ("binding", "bindande", BINDINGS), ("lang", "de", ("sv", "en")), ("format", "docx", FORMATS)])
def test_other_enumerations(tmp_path: Path, field: str, bad: str, allowed: tuple[str, ...]) -> None:
    line = next(i for i, x in enumerate(GOOD.splitlines(), 1) if i > 10 and x.startswith(f"{field} ="))
    text = "\n".join(f'{field} = "{bad}"' if i == line else x for i, x in enumerate(GOOD.splitlines(), 1))
    message = _error(tmp_path, text)
    assert f"line {line}: unknown {field} '{bad}'" in message and ", ".join(allowed) in message, message


def test_a_header_with_a_comment_does_not_confuse_the_line_numbers(tmp_path: Path) -> None:
    text = GOOD.replace("[[source]]\ndoc_id = \"b-1\"", "[[ source ]]  # the statute\ndoc_id = \"b-1\"")
    text = text.replace('kind = "statute"', 'kind = "lag"')
    assert "line 14: unknown kind" in _error(tmp_path, text), "both are valid TOML table headers"


def test_duplicate_doc_id(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('doc_id = "b-1"', 'doc_id = "a-1"'))
    assert "line 12: duplicate doc_id 'a-1' (first at line 3)" in message, message
    assert "unique" in message


def test_unknown_field(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('path = "b.json"', 'pth = "b.json"'))
    assert "line 18: unknown field 'pth'" in message and "Known fields:" in message, message


def test_missing_required_field(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('title = "B"\n', ""))
    assert "line 11: field 'title' is missing or empty (source #2)" in message, (
        "a missing field is reported at its table's header")


def test_empty_required_field(tmp_path: Path) -> None:
    assert "line 4: field 'title' is missing or empty" in _error(tmp_path, GOOD.replace('title = "A"', 'title = " "'))


def test_neither_path_nor_url(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('path = "a.md"\n', ""))
    assert "'a-1' has neither path nor url" in message


@pytest.mark.parametrize(("replace", "expected"), [
    (('doc_id = "a-1"', 'doc_id = "A 1"'), "doc_id 'A 1' is not valid"),
    (('title = "A"', "title = 12"), "field 'title' is missing or empty"),
    (('path = "a.md"', 'path = "a.md"\naliases = "x"'), "field 'aliases' must be a list of strings"),
    (('path = "a.md"', "path = 3"), "field 'path' must be a string"),
    (('path = "a.md"', 'path = "a.md"\nparallel = "zz-9"'), "parallel = 'zz-9' names no source"),
])
def test_wrong_values(tmp_path: Path, replace: tuple[str, str], expected: str) -> None:
    assert expected in _error(tmp_path, GOOD.replace(*replace))


def test_invalid_toml(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('title = "B"', 'title = "B'))
    assert "line 13" in message and "Fix the TOML syntax" in message, "the parser's line of the broken string"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert "unknown top-level key(s) ['sources']" in _error(tmp_path, "[[sources]]\ndoc_id = \"a\"\n")


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No source manifest at") as info:
        load_sources(tmp_path / "nowhere.toml")
    assert "VAGVISARE_MANIFEST" in str(info.value), "says which setting names it"


def test_manifest_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes('title = "Säkerhet"'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_sources(path)


def test_an_empty_manifest_lists_nothing(tmp_path: Path) -> None:
    assert load_sources(_manifest(tmp_path, "# nothing yet\n")) == []


def test_source_to_toml_round_trip_of_the_real_manifest(tmp_path: Path) -> None:
    sources = load_sources(MANIFEST)
    again = load_sources(_manifest(tmp_path, "\n".join(source_to_toml(s) for s in sources)))
    assert again == sources, "writing the manifest and reading it back changes nothing"


def test_source_to_toml_escapes_what_toml_cannot_hold_raw(tmp_path: Path) -> None:
    source = Source("x-1", 'Titel med "citat", \\ och\nny rad\tflik\x01', "page", "information", "sv",
                    "markdown", path="a.md", aliases=('a "b"', "c\\d"), official_url="https://x.se/?a=1&b=2")
    text = source_to_toml(source)
    assert text.startswith("[[source]]\ndoc_id = \"x-1\"\n"), "fields in manifest order"
    assert "short" not in text, "empty fields are left out"
    assert load_sources(_manifest(tmp_path, text)) == [source], "quotes, backslashes and control characters survive"
