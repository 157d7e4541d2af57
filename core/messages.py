"""Translations: one catalogue format for the web interface's words and the answers' phrases.

A catalogue is a YAML data file of messages, each in Swedish and English::

    also:
      args: [name, binding, label]
      sv: "Se också {{ name }} ({{ binding }}), {{ label }}:"
      en: "See also {{ name }} ({{ binding }}), {{ label }}:"

A message is a jinja2 template (not HTML-escaped: the page that shows it escapes it); ``args``
names what it may use. The loader checks every entry (both languages, text, arguments, that
the template compiles) and says file, line and what is wrong. The web interface's catalogue is
``web/data/messages.yaml``; the answers' phrases are ``assistant/data/phrases.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, TemplateSyntaxError, meta

from core.datafile import entry_error, load_yaml, require_mapping

LANGS = ("sv", "en")
_FIELDS = {"args", *LANGS}


class Messages:
    """A loaded catalogue: ``text(key, lang, **args)`` renders one message."""

    def __init__(self, path: Path, templates: dict[str, dict[str, Template]], args: dict[str, tuple[str, ...]],
                 sources: dict[str, dict[str, str]]) -> None:
        self.path = path
        self._templates = templates
        self._args = args
        self._sources = sources

    @classmethod
    def load(cls, path: Path, *, filters: Mapping[str, Callable[..., Any]] | None = None) -> Messages:
        env = Environment(autoescape=False)
        env.filters.update(filters or {})
        data = require_mapping(path, load_yaml(path), "the catalogue")
        templates: dict[str, dict[str, Template]] = {}
        args: dict[str, tuple[str, ...]] = {}
        sources: dict[str, dict[str, str]] = {}
        for key, entry in data.items():
            if not isinstance(key, str) or not key.isidentifier():
                raise entry_error(path, data, key, "a message key is a name of letters, digits and _.")
            if not isinstance(entry, dict):
                raise entry_error(path, data, key, f"a message is a mapping with {' and '.join(LANGS)} "
                                                   f"(and args), not {type(entry).__name__}.")
            unknown = sorted(set(entry) - _FIELDS, key=str)
            if unknown:
                raise entry_error(path, data, key, f"unknown field(s) {', '.join(map(str, unknown))}; "
                                                   f"a message has {', '.join(sorted(_FIELDS))}.")
            declared = entry.get("args", [])
            if not isinstance(declared, list) or not all(isinstance(a, str) and a.isidentifier() for a in declared):
                raise entry_error(path, data, key, "args must be a list of names.")
            templates[key], sources[key] = {}, {}
            for lang in LANGS:
                text = entry.get(lang)
                if not isinstance(text, str):
                    raise entry_error(path, data, key, f"the {lang} text is missing or not a string.")
                try:
                    used = meta.find_undeclared_variables(env.parse(text))
                    templates[key][lang] = env.from_string(text)
                except TemplateSyntaxError as exc:
                    raise entry_error(path, data, key, f"the {lang} text is not a valid template ({exc}).") from None
                undeclared = sorted(used - set(declared))
                if undeclared:
                    raise entry_error(path, data, key, f"the {lang} text uses {', '.join(undeclared)}, "
                                                       "which args does not name.")
                sources[key][lang] = text
            args[key] = tuple(declared)
        return cls(path, templates, args, sources)

    def __contains__(self, key: object) -> bool:
        return key in self._templates

    def keys(self) -> list[str]:
        return list(self._templates)

    def args(self, key: str) -> tuple[str, ...]:
        return self._args[key]

    def text(self, key: str, lang: str, **args: Any) -> str:
        """The message ``key`` in ``lang`` (Swedish for any other), with its arguments filled in."""
        try:
            templates = self._templates[key]
        except KeyError:
            raise KeyError(f"{self.path}: no message {key!r}") from None
        return templates[lang if lang in LANGS else LANGS[0]].render(**args)

    def strings(self, lang: str) -> dict[str, str]:
        """Every message without arguments, as plain text (for page templates)."""
        return {key: self.text(key, lang) for key, declared in self._args.items() if not declared}
