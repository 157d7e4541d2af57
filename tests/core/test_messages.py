"""The message catalogue format shared by the web interface's words and the answers' phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.messages import Messages

GOOD = """\
hello:
  sv: "Hej"
  en: "Hello"
greet:
  args: [name, n]
  sv: "Hej {{ name }}{% if n > 1 %} ({{ n }}){% endif %}"
  en: "Hello {{ name|shout }}"
"""


def _load(tmp_path: Path, text: str) -> Messages:
    path = tmp_path / "messages.yaml"
    path.write_text(text, encoding="utf-8")
    return Messages.load(path, filters={"shout": str.upper})


def test_messages_render_in_either_language(tmp_path: Path) -> None:
    messages = _load(tmp_path, GOOD)
    assert messages.text("hello", "en") == "Hello" and messages.text("hello", "sv") == "Hej"
    assert messages.text("hello", "de") == "Hej", "another language gets Swedish"
    assert messages.text("greet", "sv", name="Ada", n=2) == "Hej Ada (2)"
    assert messages.text("greet", "en", name="Ada", n=1) == "Hello ADA", "filters given to the loader"
    assert messages.strings("en") == {"hello": "Hello"}, "strings: the messages without arguments"
    assert messages.args("greet") == ("name", "n") and "greet" in messages and "nope" not in messages


@pytest.mark.parametrize(("text", "said"), [
    ("hello:\n  sv: Hej\n", "line 1: 'hello': the en text is missing"),
    ("hello:\n  sv: Hej\n  en: Hi\n  fr: Salut\n", "line 1: 'hello': unknown field(s) fr"),
    ("hello:\n  sv: Hej\n  en: Hi\nhello:\n  sv: Hej\n  en: Hi\n", "line 4: 'hello' appears twice"),
    ("a:\n  sv: ok\n  en: ok\nbye:\n  sv: '{{ name }}'\n  en: x\n", "line 4: 'bye': the sv text uses name, which args"),
    ("bye:\n  sv: '{% if %}'\n  en: x\n", "line 1: 'bye': the sv text is not a valid template"),
    ("bye:\n  args: name\n  sv: x\n  en: x\n", "line 1: 'bye': args must be a list of names"),
    ("bye: just text\n", "line 1: 'bye': a message is a mapping"),
    ("- a\n", "the catalogue must be a mapping"),
])
def test_malformed_entries_are_named_by_file_line_and_problem(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert said in str(err.value) and "messages.yaml" in str(err.value), str(err.value)
