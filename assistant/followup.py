"""Follow-up questions: which question leans on the ones before it, and what it is searched as.

A chat question may continue the conversation: "Gäller det även doktorander?", "Who issues it?",
"Och om brottet är grovt?". Such a follow-up is searched together with what it refers to — the
topic words of the previous question and the documents and clauses its answer cited — written
out as one standalone question, which the answer shows (``Answer.interpreted_as``); the engine
searches that and the follow-up's own words and fuses the two rankings, the interpretation leading
(``assistant.engine.FOLLOWUP_ASKED_WEIGHT``). A question that stands alone (the first of a conversation,
or a new topic in the middle of one) is searched as it is: old context is never dragged into it.

No generative model: the reading is rules (``data/followup.yaml``, each cue with its reason) and
the rewriting is the previous question's own words plus the names and headings of what its
answer cited; the answer still quotes the sources verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.qtype import question_type
from core.analyze import STOP_EN, STOP_SV, words
from core.datafile import entry_error, load_yaml, require_list, require_mapping
from core.errors import BadRequestError
from core.records import Clause
from core.sources import Source

RULES_FILE = Path(__file__).parent / "data" / "followup.yaml"
MAX_HISTORY = 10  # earlier questions a request may carry
# How far back a follow-up of a follow-up is read: the chain starts at the latest question that stands
# alone, and at most this many questions before the new one.
MAX_CHAIN = 3
# A question with fewer topic words than this cannot stand alone ("Och för doktorander?" has one, "Hur lämnar
# man in ansökan?" two: which application?). Since the engine fuses the interpretation with the question's own
# words, reading a short question that did stand alone as a follow-up costs little (dialogue train half:
# 2 words 0.844 follow-up recall@5, 3 words 0.861; new topics still read as new, 1.000).
MIN_TOPIC_WORDS = 3
# A question with at least this many topic words carries what its pronouns refer to ("Our university runs a
# lab doing classified work … Do we have to notify any authority about that?"): a cue to look back counts
# only in a shorter one. (An opening "Och …"/"And …" always continues the previous question.)
SELF_CONTAINED_WORDS = 5
# Topic words taken from the previous question: the most specific ones (found in the fewest clauses). A
# few name the topic; more drown the follow-up's own words in the search (measured on the train half of
# the dialogue suite: 5 words 0.77 recall@5, 8 words 0.70, 12 words 0.70).
CONTEXT_WORDS = 5
_WHERE = ("anywhere", "start")
_LANGS = ("sv", "en")


@dataclass(frozen=True)
class Cue:
    name: str
    lang: str
    where: str  # "anywhere" | "start"
    pattern: re.Pattern[str]
    folded: re.Pattern[str] | None = None  # a Swedish cue as typed without å/ä/ö ("da", "aven", "ocksa")


# Swedish typed on a keyboard without å/ä/ö drops the marks ("Vad tittar de pa da?"); a Swedish cue is also
# looked for so in a question that has none of the three letters.
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")


@dataclass(frozen=True)
class Rules:
    cues: tuple[Cue, ...]
    filler: frozenset[str]  # words that carry no topic, in either language


def _words(path: Path, container: object, key: object, what: str) -> list[str]:
    items = require_list(path, container, what)
    if not items:
        raise entry_error(path, container, key, f"{what} has no words.")
    for i, word in enumerate(items):
        if not isinstance(word, str) or not word.strip():
            raise entry_error(path, items, i, f"{what}: a word must be a non-empty string, not {word!r}.")
        if word in items[:i]:
            raise entry_error(path, items, i, f"{what}: {word!r} appears twice.")
    return list(items)


def _reason(path: Path, entry: dict[str, object], what: str) -> None:
    why = entry.get("why")
    if not isinstance(why, str) or len(why.split()) < 4:
        raise entry_error(path, entry, "why", f"{what} needs its reason (why: a sentence on the language or "
                                              "the domain).")


def _cue_pattern(body: str, start: bool) -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:{body})\b" if start else rf"(?<![\w-])(?:{body})(?![\w-])", re.I)


def load_rules(path: Path = RULES_FILE) -> Rules:
    """Read and check the cues and filler words: every group with its language, place, reason and words."""
    data = require_mapping(path, load_yaml(path), "the follow-up rules")
    unknown = sorted(set(map(str, data)) - {"cues", "filler"})
    if unknown:
        raise entry_error(path, data, unknown[0], "unknown section; the file has cues and filler.")
    cues: list[Cue] = []
    for n, raw in enumerate(require_list(path, data.get("cues"), "cues")):
        group = require_mapping(path, raw, f"cue group {n + 1}")
        extra = sorted(set(map(str, group)) - {"name", "lang", "where", "why", "words"})
        if extra:
            raise entry_error(path, group, extra[0], "unknown field; a cue group has name, lang, where, why, words.")
        name = group.get("name")
        if not isinstance(name, str) or not name or any(c.name == name for c in cues):
            raise entry_error(path, group, "name", f"each cue group needs a name of its own, not {name!r}.")
        if group.get("lang") not in _LANGS:
            raise entry_error(path, group, "lang", f"use one of {', '.join(_LANGS)}.")
        if group.get("where") not in _WHERE:
            raise entry_error(path, group, "where", f"use one of {', '.join(_WHERE)}.")
        _reason(path, group, f"cue group {name!r}")
        items = _words(path, group.get("words"), "words", f"the words of {name!r}")
        for i, word in enumerate(items):
            try:
                re.compile(word)
            except re.error as exc:
                raise entry_error(path, group["words"], i, f"{word!r} is not a valid regular expression "
                                                           f"({exc}).") from None
        body = "|".join(items)
        folded = body.translate(_FOLD)
        start = group["where"] == "start"
        cues.append(Cue(name, str(group["lang"]), str(group["where"]), _cue_pattern(body, start),
                        _cue_pattern(folded, start) if group["lang"] == "sv" and folded != body else None))
    filler: set[str] = set()
    for n, raw in enumerate(require_list(path, data.get("filler"), "filler")):
        group = require_mapping(path, raw, f"filler group {n + 1}")
        extra = sorted(set(map(str, group)) - {"lang", "why", "words"})
        if extra:
            raise entry_error(path, group, extra[0], "unknown field; a filler group has lang, why, words.")
        if group.get("lang") not in _LANGS:
            raise entry_error(path, group, "lang", f"use one of {', '.join(_LANGS)}.")
        _reason(path, group, f"filler group {n + 1}")
        for i, word in enumerate(_words(path, group.get("words"), "words", f"filler group {n + 1}")):
            if not re.fullmatch(r"[a-zåäöé]+", word):
                raise entry_error(path, group["words"], i, f"{word!r} is not a lower-case word.")
            filler.add(word)
    if not cues:
        raise entry_error(path, data, "cues", "there are no cues.")
    return Rules(tuple(cues), frozenset(filler))


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The project's follow-up rules (read once)."""
    return load_rules()


# ---------------------------------------------------------------------------- reading one question
def topic_words(text: str) -> list[str]:
    """The words of a question that say what it is about, in order, each once (lower case)."""
    filler = rules().filler
    out = [w for w in words(text) if len(w) >= 3 and (not w.isalpha() or
                                                      (w not in STOP_SV and w not in STOP_EN and w not in filler))]
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Reading:
    """How a question reads on its own: its follow-up cues, its topic words, the documents it names."""

    cues: tuple[str, ...]
    topic: tuple[str, ...]
    documents: tuple[str, ...]
    defines: bool = False  # asks what a term means ("Vad är en säkerhetsskyddsanalys?"): the term is its topic

    @property
    def opens_from_before(self) -> bool:
        """It opens by continuing the previous question ("Och …", "What about …")."""
        return any(c.startswith("opener") for c in self.cues)

    @property
    def leans_on_previous(self) -> bool:
        """A follow-up: it continues the previous question ("Och …"), or, naming no document of its own,
        it refers back in a question too short to hold the referent, or it has too few topic words to stand
        alone."""
        if self.opens_from_before:
            return True
        if self.documents:
            return False
        if self.cues and len(self.topic) < SELF_CONTAINED_WORDS:
            return True
        return len(self.topic) < MIN_TOPIC_WORDS and not self.defines


def read(question: str, documents_named: Callable[[str], Sequence[str]], lang: str | None = None) -> Reading:
    """The cues, topic words and named documents of ``question`` (``documents_named``: doc ids it names;
    ``lang``: its language, when known: a Swedish question without å/ä/ö is also read for the cues so typed)."""
    unmarked = lang == "sv" and not re.search(r"[åäö]", question, re.I)
    cues = tuple(c.name for c in rules().cues
                 if c.pattern.search(question) or (unmarked and c.folded is not None and c.folded.search(question)))
    return Reading(cues, tuple(topic_words(question)), tuple(dict.fromkeys(documents_named(question))),
                   question_type(question) == "definition")


# ---------------------------------------------------------------------------- the conversation
@dataclass(frozen=True)
class Cited:
    """What the answer to a question cited: the clauses, best first, and their documents' sources."""

    clauses: tuple[Clause, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Corpus:
    """What reading a conversation needs from the loaded index (:class:`assistant.engine.Assistant`)."""

    documents_named: Callable[[str], Sequence[str]]  # the doc ids a question names
    cited: Callable[[str], Cited]  # what the answer to a (standalone) question cites; nothing if it abstains
    language: Callable[[str], str]  # "sv" or "en"
    frequency: Callable[[str], int]  # how many clauses a word occurs in (0: the corpus does not know it)


def check_history(history: Sequence[object] | None, max_chars: int) -> list[str]:
    """The earlier questions of a conversation, validated like a question (at most :data:`MAX_HISTORY`)."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise BadRequestError("history must be a list of the earlier questions, oldest first.",
                              hint='Send e.g. "history": ["Vem ska säkerhetsprövas?"].')
    if len(history) > MAX_HISTORY:
        raise BadRequestError(f"history has {len(history)} questions; the limit is {MAX_HISTORY}.",
                              hint=f"Send the last {MAX_HISTORY} questions of the conversation.")
    out = []
    for i, item in enumerate(history):
        if not isinstance(item, str) or not item.strip():
            raise BadRequestError(f"history[{i}] is empty.", hint="Each earlier question is a non-empty string.")
        if len(item) > max_chars:
            raise BadRequestError(f"history[{i}] is {len(item)} characters long; the limit is {max_chars}.",
                                  hint="Send the earlier questions as they were asked.")
        out.append(re.sub(r"\s+", " ", item).strip())
    return out


def context_words(previous: str, question: str, frequency: Callable[[str], int]) -> list[str]:
    """The previous question's topic words that say most about its topic, in their order: the
    :data:`CONTEXT_WORDS` found in the fewest clauses (a word the corpus does not know ranks last), leaving
    out those the question has itself."""
    own = set(topic_words(question))
    candidates = [w for w in topic_words(previous) if w not in own]
    counts = {w: frequency(w) for w in candidates}
    specific = set(sorted(candidates, key=lambda w: (counts[w] == 0, counts[w]))[:CONTEXT_WORDS])
    return [w for w in candidates if w in specific]


def standalone(question: str, previous: str, cited: Cited, reading: Reading, lang: str,
               frequency: Callable[[str], int]) -> str:
    """``question`` written out with what it refers to: the previous question's most specific topic words
    and, unless it names a document of its own, the document of the previous answer's first citation (named
    as the question's language names it, so that searching the text finds that document again)."""
    parts = []
    words_ = context_words(previous, question, frequency)
    if words_:
        parts.append(" ".join(words_))
    if cited.sources and not reading.documents:
        parts.append(cited.sources[0].display_name(lang))
    return f"{question} ({'; '.join(parts)})" if parts else question


def interpret(question: str, history: Sequence[str], corpus: Corpus) -> str | None:
    """The standalone question to search for ``question`` after ``history`` (oldest first), or None
    when it stands alone.

    Earlier follow-ups are written out in turn from the latest question that stood alone, so "Och
    efteråt?" after "Vem gör det?" after a question on security vetting still refers to security vetting.
    """
    if not history:
        return None

    def reader(q: str) -> Reading:
        return read(q, corpus.documents_named, corpus.language(q))

    reading = reader(question)
    if not reading.leans_on_previous:
        return None
    chain = list(history[-MAX_CHAIN:])
    start = max((i for i, q in enumerate(chain) if not reader(q).leans_on_previous), default=0)
    previous = chain[start]
    for q in chain[start + 1:]:
        previous = standalone(q, previous, corpus.cited(previous), reader(q), corpus.language(q), corpus.frequency)
    searched = standalone(question, previous, corpus.cited(previous), reading, corpus.language(question),
                          corpus.frequency)
    return searched if searched != question else None
