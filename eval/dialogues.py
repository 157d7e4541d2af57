"""The dialogue suite: two-turn conversations that measure follow-up questions (`vagvisare eval dialogues`).

Format (``eval/dialogues/*.yaml``)::

    - id: dlg-002
      turns:
        - question: "… Vilka av oss måste säkerhetsprövas?"
          lang: sv
          relevant: ["sfs-2018-585#3:1"]
          evidence: ["ska delta i säkerhetskänslig verksamhet ska säkerhetsprövas"]
          answerable: true
        - question: "Och när måste det vara klart?"
          lang: sv
          relevant: ["sfs-2018-585#3:3"]
          evidence: […]
          answerable: true
          followup: true        # second turns: does it lean on the first (true) or start a new topic (false)
      note: "…"

Each turn is checked like a suite question (:mod:`eval.suites`). The dialogues are split in two
halves by a fixed hash of their id (:func:`half`): the rules of :mod:`assistant.followup` are tuned
on the train half only; the test half is reported in aggregate only (no per-dialogue rows).

Measured through :class:`assistant.engine.Assistant`, as the web asks: ``search(q2, history=[q1])``
and ``answer(…, history=…)``.

- **Follow-up recall@5** (answerable follow-ups): recall@5 (:func:`eval.metrics.recall_at_k`) of
  ``search(q2, k=10, history=[q1])``, and of ``search(q2, k=10)`` (the same follow-up without history).
- **Interpreted as null**: share of questions whose ``Answer.interpreted_as`` is null — for first
  questions (no history: null by construction), for first questions asked right after another
  dialogue (history = the preceding dialogue's questions: a new topic in the middle of a
  conversation), and for second turns marked ``followup: false``; **follow-ups read as such**: share
  of ``followup: true`` turns with a non-null ``interpreted_as``.
- **Abstention** on out-of-scope follow-ups (``answerable: false``) and **answered** answerable
  follow-ups, with and without history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from eval.metrics import recall_at_k
from eval.suites import SuiteError, _check_entry

if TYPE_CHECKING:
    from assistant.engine import Assistant

DIALOGUES_DIR = Path(__file__).parent / "dialogues"
DEFAULT_DIALOGUES = DIALOGUES_DIR / "blind.yaml"
HALVES = ("train", "test")
K = 5


def half(dialogue_id: str) -> str:
    """"train" when the first hex digit of sha256(id) is even, else "test" (fixed; never tuned)."""
    return "train" if int(hashlib.sha256(dialogue_id.encode("utf-8")).hexdigest()[0], 16) % 2 == 0 else "test"


@dataclass(frozen=True)
class Turn:
    question: str
    lang: str
    relevant: tuple[str, ...]
    answerable: bool
    followup: bool | None = None  # second turns only


@dataclass(frozen=True)
class Dialogue:
    id: str
    turns: tuple[Turn, Turn]
    note: str = ""

    @property
    def half(self) -> str:
        return half(self.id)


def parse_dialogues(text: str, path: Path) -> list[Dialogue]:
    """Dialogues from YAML text; every problem is listed at once with the dialogue and turn."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML ({exc}).", hint="Fix the YAML syntax.") from None
    if not isinstance(data, list) or not data:
        raise SuiteError(f"{path}: a dialogue suite is a non-empty YAML list of dialogues.",
                         hint="See eval/dialogues.py for the format.")
    problems: list[str] = []
    out: list[Dialogue] = []
    seen: set[str] = set()
    for n, raw in enumerate(data, start=1):
        where = f"dialogue {n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
            problems.append(f"{where}: a dialogue is a mapping with an id and two turns.")
            continue
        where = f"dialogue {n} ({raw['id']})"
        extra = sorted(set(raw) - {"id", "turns", "note"})
        if extra:
            problems.append(f"{where}: unknown key {extra[0]!r} (known: id, turns, note).")
        if raw["id"] in seen:
            problems.append(f"{where}: the id is used twice.")
        seen.add(raw["id"])
        turns = raw.get("turns")
        if not isinstance(turns, list) or len(turns) != 2:
            problems.append(f"{where}: 'turns' must be a list of two turns.")
            continue
        parsed: list[Turn] = []
        for t, turn in enumerate(turns, start=1):
            at = f"{where}, turn {t}"
            if not isinstance(turn, dict):
                problems.append(f"{at}: a turn is a mapping.")
                continue
            followup = turn.get("followup")
            if t == 2 and not isinstance(followup, bool):
                problems.append(f"{at}: a second turn says followup: true or false.")
            if t == 1 and "followup" in turn:
                problems.append(f"{at}: only second turns have 'followup'.")
            entry = {k: v for k, v in turn.items() if k != "followup"}
            turn_problems = _check_entry({"id": f"{raw['id']}/{t}", **entry}, at)
            problems += turn_problems
            if not turn_problems:
                parsed.append(Turn(entry["question"].strip(), entry["lang"], tuple(entry["relevant"]),
                                   entry["answerable"], followup if isinstance(followup, bool) else None))
        if len(parsed) == 2:
            out.append(Dialogue(raw["id"], (parsed[0], parsed[1]), str(raw.get("note", ""))))
    if problems:
        shown = problems[:20]
        raise SuiteError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(shown),
                         hint="See eval/dialogues.py for the format.")
    return out


def load_dialogues(path: Path = DEFAULT_DIALOGUES) -> list[Dialogue]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"Cannot read the dialogue suite {path}: {exc}.",
                         hint=f"The suite is {DEFAULT_DIALOGUES}.") from None
    return parse_dialogues(text, path)


# ---------------------------------------------------------------------------- running
@dataclass
class DialogueRow:
    """What one dialogue did (kept for the train half only in reports)."""

    id: str
    half: str
    followup: bool
    answerable: bool  # of the second turn
    first_null: bool  # the first question, no history
    first_null_mid: bool  # the first question, after the preceding dialogue's questions
    interpreted_as: str | None  # of the second turn, with history
    recall_with: float | None  # answerable second turns
    recall_without: float | None
    abstained_with: bool
    abstained_without: bool
    second_lang: str = ""
    switched: bool = False  # the two turns are in different languages

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _ids(hits: Sequence[Any]) -> list[str]:
    return [h.clause_id for h in hits]


def run_dialogue(bot: Assistant, d: Dialogue, before: Sequence[str] = ()) -> DialogueRow:
    """Ask a dialogue the way the chat does; ``before``: the questions of the conversation before it."""
    first, second = d.turns
    alone = bot.answer(first.question)
    mid = bot.answer(first.question, history=list(before)) if before else alone
    with_history = bot.answer(second.question, history=[first.question])
    without = bot.answer(second.question)
    recall_with = recall_without = None
    if second.answerable:
        recall_with = recall_at_k(_ids(bot.search(second.question, k=10, history=[first.question])),
                                  second.relevant, K)
        recall_without = recall_at_k(_ids(bot.search(second.question, k=10)), second.relevant, K)
    return DialogueRow(d.id, d.half, bool(second.followup), second.answerable, alone.interpreted_as is None,
                       mid.interpreted_as is None, with_history.interpreted_as, recall_with, recall_without,
                       with_history.abstained, without.abstained, second.lang, first.lang != second.lang)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def aggregate(rows: Sequence[DialogueRow]) -> dict[str, Any]:
    """The numbers of one half (see the module docstring)."""
    follow = [r for r in rows if r.followup]
    answerable = [r for r in follow if r.answerable]
    out_of_scope = [r for r in follow if not r.answerable]
    new_topic = [r for r in rows if not r.followup]
    with_, without = _mean([r.recall_with or 0.0 for r in answerable]), \
        _mean([r.recall_without or 0.0 for r in answerable])
    return {
        "dialogues": len(rows), "followups": len(follow), "answerable_followups": len(answerable),
        "out_of_scope_followups": len(out_of_scope), "new_topic_turns": len(new_topic),
        "followup_recall_at_5_with_history": with_,
        "followup_recall_at_5_without_history": without,
        "followup_recall_gain": round(with_ - without, 4) if with_ is not None and without is not None else None,
        "first_interpreted_null": _mean([float(r.first_null) for r in rows]),
        "first_after_other_dialogue_null": _mean([float(r.first_null_mid) for r in rows]),
        "new_topic_interpreted_null": _mean([float(r.interpreted_as is None) for r in new_topic]),
        "followups_interpreted": _mean([float(r.interpreted_as is not None) for r in follow]),
        "out_of_scope_abstained_with_history": _mean([float(r.abstained_with) for r in out_of_scope]),
        "out_of_scope_abstained_without_history": _mean([float(r.abstained_without) for r in out_of_scope]),
        "answerable_followups_answered_with_history": _mean([float(not r.abstained_with) for r in answerable]),
        "answerable_followups_answered_without_history": _mean([float(not r.abstained_without)
                                                               for r in answerable]),
        "language_switch_recall_at_5_with_history": _mean([r.recall_with or 0.0 for r in answerable
                                                           if r.switched]),
    }


@dataclass
class DialogueRun:
    rows: list[DialogueRow] = field(default_factory=list)

    def aggregates(self) -> dict[str, dict[str, Any]]:
        return {h: aggregate([r for r in self.rows if r.half == h]) for h in HALVES
                if any(r.half == h for r in self.rows)}

    def to_dict(self) -> dict[str, Any]:
        """The aggregates of both halves and the rows of the train half only (the test half is never
        read one dialogue at a time)."""
        return {"k": K, "aggregates": self.aggregates(),
                "train_rows": [r.to_dict() for r in self.rows if r.half == "train"]}


def run_dialogues(bot: Assistant, dialogues: Sequence[Dialogue], halves: Sequence[str] = HALVES,
                  progress: Callable[[int, int], None] | None = None) -> DialogueRun:
    """Every dialogue of the chosen halves; a dialogue's first question is also asked after the one
    before it in the file (the preceding dialogue's two questions as history)."""
    run = DialogueRun()
    previous: Sequence[str] = ()
    for n, d in enumerate(dialogues, start=1):
        if d.half in halves:
            run.rows.append(run_dialogue(bot, d, previous))
        previous = [t.question for t in d.turns]
        if progress:
            progress(n, len(dialogues))
    return run
