"""The source manifest (`corpus/sources.toml`): load, validate, write.

Every error names the file, the line of the offending field and what to do.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.errors import ConfigError

KINDS = ("statute", "ordinance", "guideline", "recommendation", "decision", "page")
BINDINGS = ("law", "recommendation", "guidance", "information")
LANGS = ("sv", "en")
FORMATS = ("sfs-json", "sfs-markdown", "text", "markdown", "pdf", "html", "eurlex")
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")

REQUIRED = ("doc_id", "title", "kind", "binding", "lang", "format")
OPTIONAL = ("short", "name", "name_en", "aliases", "path", "url", "official_url", "as_of",
            "version", "sha256", "parallel", "added")


@dataclass(frozen=True)
class Source:
    """One document the assistant answers from (a row of the manifest)."""

    doc_id: str
    title: str
    kind: str
    binding: str
    lang: str
    format: str
    short: str = ""
    name: str = ""
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    path: str = ""
    url: str = ""
    official_url: str = ""
    as_of: str = ""
    version: str = ""
    sha256: str = ""
    parallel: str = ""  # doc_id of the same act in another language
    added: str = ""
    line: int = field(default=0, compare=False)

    def file(self, corpus_dir: Path) -> Path:
        return corpus_dir / self.path

    def display_name(self, lang: str) -> str:
        if lang == "en":
            return self.name_en or self.title
        return self.name or self.title

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("line")
        data["aliases"] = list(self.aliases)
        return data


_HEADER = re.compile(r"^\[\[\s*source\s*\]\]\s*(?:#.*)?$")  # "[[source]]", "[[ source ]]  # comment"


def _table_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each [[source]] table: its header line and the line of each key."""
    tables: list[tuple[int, dict[str, int]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if _HEADER.match(stripped):
            tables.append((number, {}))
        elif tables and (m := re.match(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*=", stripped)):
            tables[-1][1].setdefault(m.group(1), number)
    return tables


def load_sources(manifest: Path) -> list[Source]:
    """Read and validate the manifest; raise ConfigError naming file, line and field."""
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"No source manifest at {manifest}.",
            hint="Set VAGVISARE_MANIFEST or run from the project root (default corpus/sources.toml).",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{manifest}: not UTF-8 text.", hint="Save the manifest as UTF-8.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{manifest}: {exc}.", hint="Fix the TOML syntax at that place.") from None

    unknown_top = set(data) - {"source"}
    if unknown_top:
        raise ConfigError(
            f"{manifest}: unknown top-level key(s) {sorted(unknown_top)}; only [[source]] tables belong here.")
    rows = data.get("source", [])
    if not isinstance(rows, list):
        raise ConfigError(f"{manifest}: `source` must be written as [[source]] tables.")
    lines = _table_lines(text)

    sources: list[Source] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        header, key_lines = lines[i] if i < len(lines) else (0, {})

        def fail(key: str, problem: str, hint: str = "", *, _h: int = header, _kl: dict = key_lines) -> None:
            at = _kl.get(key, _h)
            raise ConfigError(f"{manifest} line {at}: {problem}", hint=hint or None)

        for key in row:
            if key not in REQUIRED and key not in OPTIONAL:
                fail(key, f"unknown field {key!r}.", f"Known fields: {', '.join(REQUIRED + OPTIONAL)}.")
        for key in REQUIRED:
            if not isinstance(row.get(key), str) or not row[key].strip():
                fail(key, f"field {key!r} is missing or empty (source #{i + 1}).", "Every source needs it.")
        for key in OPTIONAL:
            if key == "aliases":
                value = row.get(key, [])
                if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                    fail(key, "field 'aliases' must be a list of strings.")
            elif key in row and not isinstance(row[key], str):
                fail(key, f"field {key!r} must be a string.")

        doc_id = row["doc_id"]
        if not DOC_ID.match(doc_id):
            fail("doc_id", f"doc_id {doc_id!r} is not valid.", "Use lower case letters, digits and '-'.")
        if doc_id in seen:
            fail("doc_id", f"duplicate doc_id {doc_id!r} (first at line {seen[doc_id]}).",
                 "Each doc_id must be unique.")
        seen[doc_id] = key_lines.get("doc_id", header)
        for key, allowed in (("kind", KINDS), ("binding", BINDINGS), ("lang", LANGS), ("format", FORMATS)):
            if row[key] not in allowed:
                fail(key, f"unknown {key} {row[key]!r}.", f"Use one of {', '.join(allowed)}.")
        if not row.get("path") and not row.get("url"):
            fail("doc_id", f"source {doc_id!r} has neither path nor url.", "Give the file (path) or its address (url).")

        values = {k: v for k, v in row.items() if k != "aliases"}
        sources.append(Source(**values, aliases=tuple(row.get("aliases", [])), line=header))
    for source in sources:
        if source.parallel and source.parallel not in seen:
            raise ConfigError(
                f"{manifest} line {source.line}: parallel = {source.parallel!r} names no source in the manifest."
            )
    return sources


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def toml_value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    # a TOML basic string: quotes, backslashes and control characters escaped
    text = "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                   for c in str(value))
    return f'"{text}"'


def source_to_toml(source: Source) -> str:
    """The [[source]] table for one source, fields in manifest order, empty ones left out."""
    data = source.to_dict()
    order = ("doc_id", "title", "short", "name", "name_en", "aliases", "kind", "binding", "lang", "format",
             "path", "url", "official_url", "as_of", "version", "sha256", "parallel", "added")
    lines = ["[[source]]"]
    for key in order:
        value = data.get(key)
        if value in ("", None, [], ()):
            continue
        lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
