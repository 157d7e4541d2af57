"""Quotes are checked against the source files themselves, so a reader's mistake cannot pass."""

from __future__ import annotations

from pathlib import Path

from core.sources import load_sources
from eval import metrics as m
from eval.sourcetext import SourceTexts, squeeze

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SOURCES = {s.doc_id: s for s in load_sources(ROOT / "corpus" / "sources.toml")}


def texts(repairs: dict[str, list[str]] | None = None) -> SourceTexts:
    return SourceTexts(CORPUS, SOURCES, repairs or {})


def test_a_verbatim_quote_is_found_across_line_wraps() -> None:
    # in the JSON record this sentence is wrapped over three lines
    quote = ("Med säkerhetsskydd avses skydd av säkerhetskänslig verksamhet mot spioneri, sabotage, "
             "terroristbrott och andra brott som kan hota verksamheten")
    assert texts().holds("sfs-2018-585", quote)
    whole = ("Med säkerhetsskyddsklassificerade uppgifter avses uppgifter som rör säkerhetskänslig verksamhet och "
             "som därför omfattas av sekretess enligt offentlighets- och sekretesslagen (2009:400) eller som skulle "
             "ha omfattats av sekretess enligt den lagen, om den hade varit tillämplig.")
    assert m.quote_fidelity(whole, lambda piece: texts().holds("sfs-2018-585", piece)).rate == 1.0


def test_a_changed_word_fails_even_if_a_clause_says_it() -> None:
    """The old check compared a quote with its own clause: a reader that garbled the clause passed."""
    garbled = "Med säkerhetsskydd avses skydd av säkerhetskänslig verksamhet mot spionage."
    assert not texts().holds("sfs-2018-585", garbled)
    assert m.quote_fidelity(garbled, garbled).rate == 1.0, "the clause-only check cannot fail"
    assert m.quote_fidelity(garbled, lambda p: texts().holds("sfs-2018-585", p)).rate == 0.0


def test_text_put_back_from_a_heading_is_checked_piece_by_piece() -> None:
    moved = ("/679 av den 27 april 2016 om skydd för fysiska personer med avseende på behandling av personuppgifter "
             "och om det fria flödet av sådana uppgifter och om upphävande av direktiv 95/")
    sentence = ("Denna lag kompletterar Europaparlamentets och rådets förordning (EU) 2016" + moved
                + "46/EG (allmän dataskyddsförordning), här benämnd EU:s dataskyddsförordning.")
    assert not texts().holds("sfs-2024-1146", sentence), "not contiguous in the Markdown"
    assert texts({"sfs-2024-1146": [moved]}).holds("sfs-2024-1146", sentence)
    assert not texts({"sfs-2024-1146": [moved]}).holds("sfs-2024-1146", sentence.replace("kompletterar", "ersätter"))


def test_squeeze_drops_only_layout() -> None:
    assert squeeze("säker-\nhets skydd\u00ad") == "säkerhetsskydd"
