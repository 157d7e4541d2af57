"""Whitespace and markup normalisation: only whitespace and markup change, the words stay the source's."""

from __future__ import annotations

import pytest

from ingest.normalize import (
    clean_line,
    join_lines,
    mark_hyphenation,
    rejoin_split_words,
    slugify,
    split_blocks,
    strip_md_links,
)


@pytest.mark.parametrize(("lines", "joined", "why"), [
    (["Den som till någon del ", "bedriver verksamhet."], "Den som till någon del bedriver verksamhet.",
     "wrapped lines join with one space"),
    (["inom EU-", "samarbetet"], "inom EU-samarbetet", "a compound's hyphen stays, the break goes"),
    (["Säkerhets-", "och integritetsskyddsnämnden"], "Säkerhets- och integritetsskyddsnämnden",
     "before a conjunction the hyphen keeps its space"),
    (["kommun- ", "landsting"], "kommun- landsting", "a space after the hyphen in the source is a word boundary"),
    (["Myndigheten för ", "Samhällsskydd-", "Beredskap"], "Myndigheten för Samhällsskydd- Beredskap",
     "a capital after the hyphen starts a new word"),
    (["a\u00a0\u2009b", "\t c  "], "a b c", "every kind of space becomes one plain space"),
    (["", "  ", "text"], "text", "blank lines add nothing"),
    (["hän\u00ad", "syn till"], "hänsyn till", "a soft hyphen at a break is dropped and the word glued"),
    (["1-3 och 16-", "18 §§"], "1-3 och 16- 18 §§",
     "plain text: a digit after a break hyphen starts a new word (the statutes read so; typeset text glues)"),
    (["förut-", "sättningar"], "förut-sättningar", "plain text: hyphens not marked as soft are the source's"),
])
def test_join_lines(lines: list[str], joined: str, why: str) -> None:
    assert join_lines(lines) == joined, why


def test_clean_line() -> None:
    assert clean_line("  1 §\t\tText\u00a0här  ") == "1 § Text här", "tabs, no-break spaces and ends normalised"


def test_split_blocks_on_blank_lines_with_any_line_end() -> None:
    text = "1 kap. Rubrik\r\n\r\n1 § Första\r\nraden\r\n \r\n\r\n2 § Andra\rtredje\n"
    assert split_blocks(text) == [["1 kap. Rubrik"], ["1 § Första", "raden"], ["2 § Andra", "tredje"]], (
        "CRLF, CR and LF all end lines; blank (or blank-looking) lines separate paragraphs")
    assert split_blocks("  \n\n") == [], "nothing but blank lines is no paragraph"


def test_strip_md_links_keeps_the_visible_text() -> None:
    text = "enligt [4 kap. 1 § säkerhetsskyddslagen](https://selex.se/eli/sfs/2018/585#kap4.1) och ([2018:585](x))"
    assert strip_md_links(text) == "enligt 4 kap. 1 § säkerhetsskyddslagen och (2018:585)", (
        "link targets may point at the wrong act; the visible text is right")
    assert strip_md_links("[a] (b) [c](") == "[a] (b) [c](", "what is not a link is left alone"


@pytest.mark.parametrize(("heading", "slug"), [
    ("Närmare beskrivning av uppdraget", "narmare-beskrivning-av-uppdraget"),
    ("Skälen för regeringens beslut", "skalen-for-regeringens-beslut"),
    ("\"Så öppet som möjligt – så säkert som nödvändigt\"", "sa-oppet-som-mojligt-sa-sakert-som-nodvandigt"),
    ("–––", "text"),
])
def test_slugify(heading: str, slug: str) -> None:
    assert slugify(heading) == slug, "ASCII, lower case, '-' between words: stable ids for unnumbered texts"


def test_slugify_cuts_long_headings_at_a_word() -> None:
    slug = slugify("Remiss av delredovisning av regeringsuppdraget att främja ansvarsfull internationalisering")
    assert slug == "remiss-av-delredovisning-av-regeringsuppdraget-att-framja", "at most 60 characters, whole words"
    assert len(slugify("a" * 100)) == 60, "one long word is cut at the limit"


def test_rejoin_split_words() -> None:
    text = "riktlinjer för ansvars full internationalisering. Ett ansvarsfull arbete."
    assert rejoin_split_words(text) == "riktlinjer för ansvarsfull internationalisering. Ett ansvarsfull arbete.", (
        "'ansvars full' is mended: the whole word occurs in the same text")
    ordinary = "Det är full fart. Han tog ansvar full ut. Inget ansvarsfullt här."
    assert rejoin_split_words(ordinary) == ordinary, "pairs whose joined form never occurs are left alone"
    both = "den stora bilen och en stora bil; storabil"
    assert rejoin_split_words(both) == both, "a first half that also stands alone is a word of its own"


def test_mark_hyphenation_only_where_the_whole_word_is_in_the_text() -> None:
    text = ("med hän-\r\nsyn till detta\r\nav hänsyn\r\ninom EU-\r\nsamarbetet\r\nSäkerhets-\r\noch\r\n"
            "e-\npost e-post epost")
    marked = mark_hyphenation(text)
    assert "hän\u00ad\r\nsyn" in marked, "'hänsyn' occurs whole: the break hyphen is a soft hyphen"
    assert "EU-\r\nsamarbetet" in marked, "'EUsamarbetet' never occurs: a compound keeps its hyphen"
    assert "Säkerhets-\r\noch" in marked, "a conjunction after the break is never glued"
    assert "e-\npost" in marked, "'e-post' with its hyphen also occurs inside a line: keep it"
    assert join_lines(split_blocks(marked)[0]) == (
        "med hänsyn till detta av hänsyn inom EU-samarbetet Säkerhets- och e-post e-post epost")
