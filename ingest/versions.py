"""Versions of a source: earlier files kept beside the corpus, what changed, parallel language versions.

When an operator replaces a source with a newer version (``vagvisare sources add FILE
--id DOC_ID --replace``), the current file moves to ``<corpus>/versions/<doc_id>/`` and
is listed in ``<corpus>/versions/<doc_id>/versions.toml``. The build indexes each
previous version after the current one, with ids ``<doc_id>#<locator>@v<version>`` and
status ``expired``: answers cite only the current version (they take clauses in force),
while a previous version stays browsable by its own permalink.

:func:`diff_clauses` compares two versions clause by clause; :func:`parallel_clause_id`
maps a clause to the same clause in the other language version of an act.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from core.errors import ConfigError, NotFoundError
from core.records import Clause
from core.settings import Settings
from core.sources import Source, _toml_value, load_sources
from ingest.pipeline import check_clauses, read_source, segment

VERSIONS_DIR = "versions"


@dataclass(frozen=True)
class PreviousVersion:
    """One earlier file of a source, as recorded in ``versions.toml``."""

    doc_id: str
    version: str
    path: str  # relative to the corpus directory
    format: str
    sha256: str = ""
    added: str = ""  # when this version was added
    replaced: str = ""  # when a newer version took its place

    def source(self, current: Source) -> Source:
        """The current source's manifest row, pointed at this version's file."""
        return replace(
            current,
            path=self.path,
            format=self.format,
            version=self.version,
            sha256=self.sha256,
            url="",
            added=self.added,
        )


def history_file(corpus_dir: Path, doc_id: str) -> Path:
    return corpus_dir / VERSIONS_DIR / doc_id / "versions.toml"


def previous_versions(corpus_dir: Path, doc_id: str) -> list[PreviousVersion]:
    """The recorded earlier versions of a source, oldest first; none when nothing was replaced."""
    path = history_file(corpus_dir, doc_id)
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot be read ({exc}).",
            hint="Fix or remove the file; it lists the earlier versions of the source.",
        ) from None
    out = []
    for row in data.get("version", []):
        try:
            out.append(PreviousVersion(doc_id=doc_id, **{k: str(v) for k, v in row.items()}))
        except TypeError:
            raise ConfigError(
                f"{path}: a [[version]] table has unknown or missing fields ({sorted(row)}).",
                hint="Each needs version, path and format.",
            ) from None
    return out


def _write_history(corpus_dir: Path, doc_id: str, versions: list[PreviousVersion]) -> None:
    path = history_file(corpus_dir, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Earlier versions of {doc_id}, oldest first. Written by `vagvisare sources add --replace`.",
        "",
    ]
    for v in versions:
        lines.append("[[version]]")
        for key in ("version", "path", "format", "sha256", "added", "replaced"):
            value = getattr(v, key)
            if value:
                lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def version_name(source: Source) -> str:
    """The version of the file a source points at now: its `version`, else the date it was added."""
    return source.version or source.added or source.as_of or "1"


def next_version(requested: str, taken: set[str], today: dt.date) -> str:
    """The new version's name: as requested, else today's date; never one already used."""
    base = _safe(requested) if requested else today.isoformat()
    if requested and base in taken:
        raise ConfigError(
            f"Version {requested!r} is already used by an earlier file of this source.",
            hint="Give another --version.",
        )
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _safe(version: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", version.lower()).strip("-") or "1"


def archive_current(corpus_dir: Path, source: Source, today: dt.date) -> PreviousVersion:
    """Move the source's current file into the versions folder and record it as an earlier version."""
    current = corpus_dir / source.path
    history = previous_versions(corpus_dir, source.doc_id)
    taken = {v.version for v in history}
    name = _safe(version_name(source))
    if name in taken:
        name = next_version("", taken, today)
    target_rel = Path(VERSIONS_DIR) / source.doc_id / f"{name}{current.suffix}"
    target = corpus_dir / target_rel
    target.parent.mkdir(parents=True, exist_ok=True)
    data = current.read_bytes()
    shutil.copy2(current, target)
    entry = PreviousVersion(
        source.doc_id,
        name,
        target_rel.as_posix(),
        source.format,
        source.sha256 or hashlib.sha256(data).hexdigest(),
        source.added,
        today.isoformat(),
    )
    _write_history(corpus_dir, source.doc_id, [*history, entry])
    return entry


def as_previous(clauses: list[Clause], version: PreviousVersion, lang: str) -> list[Clause]:
    """Clauses of an earlier version as the index keeps them: own ids, expired, under a heading naming it."""
    if lang == "sv":
        heading = f"Tidigare version {version.version}" + (
            f" (ersatt {version.replaced})" if version.replaced else ""
        )
    else:
        heading = f"Previous version {version.version}" + (
            f" (replaced {version.replaced})" if version.replaced else ""
        )
    out = []
    for c in clauses:
        locator = f"{c.locator}@v{version.version}"
        out.append(
            replace(
                c,
                clause_id=f"{c.doc_id}#{locator}",
                locator=locator,
                label=f"{c.label} (version {version.version})",
                heading_path=(heading, *c.heading_path),
                status="expired",
                valid_to=version.replaced or c.valid_to,
                version=version.version,
            )
        )
    return out


def current_clause_id(clause_id: str) -> str:
    """``vr-riktlinjer#s:4.2@v2024-05-15`` → ``vr-riktlinjer#s:4.2``."""
    return re.sub(r"@v[^@#]*$", "", clause_id)


class _Index(Protocol):
    documents: dict[str, Any]
    by_id: dict[str, int]


def previous_clause_ids(index: _Index, clause_id: str) -> list[str]:
    """Ids of the same clause in the earlier versions the index holds, newest first."""
    doc_id = clause_id.partition("#")[0]
    base = current_clause_id(clause_id) + "@v"
    found = [cid for cid in index.by_id if cid.startswith(base) and cid.partition("#")[0] == doc_id]
    return sorted(found, reverse=True)


def parallel_clause_id(index: _Index, clause_id: str) -> str | None:
    """The same clause in the act's other language version, when both are indexed.

    ``eu-c-2024-3510#point:5b`` ↔ ``eu-c-2024-3510-sv#point:5b``. The link is the
    manifest's ``parallel`` field, read in either direction.
    """
    doc_id, sep, locator = clause_id.partition("#")
    document = index.documents.get(doc_id)
    if not sep or document is None:
        return None
    partners = [document.source.parallel] if document.source.parallel else []
    partners += [
        d for d, other in index.documents.items() if other.source.parallel == doc_id and d not in partners
    ]
    for partner in partners:
        candidate = f"{partner}#{locator}"
        if candidate in index.by_id:
            return candidate
    return None


# --- comparing two versions -----------------------------------------------------------------


@dataclass
class VersionDiff:
    """What changed between two versions of one source, by clause locator."""

    doc_id: str
    old_version: str
    new_version: str
    added: list[Clause] = field(default_factory=list)
    removed: list[Clause] = field(default_factory=list)
    changed: list[tuple[Clause, Clause]] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, object]:
        def brief(c: Clause) -> dict[str, object]:
            return {"locator": c.locator, "label": c.label, "page": c.page, "text": c.text}

        return {
            "doc_id": self.doc_id,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "added": [brief(c) for c in self.added],
            "removed": [brief(c) for c in self.removed],
            "changed": [
                {
                    "locator": new.locator,
                    "label": new.label,
                    "old_text": old.text,
                    "new_text": new.text,
                    "similarity": round(similarity(old.text, new.text), 3),
                }
                for old, new in self.changed
            ],
            "unchanged": self.unchanged,
        }


def _norm(text: str) -> str:
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def diff_clauses(
    doc_id: str, old: list[Clause], new: list[Clause], old_version: str = "", new_version: str = ""
) -> VersionDiff:
    """Clauses added, removed and changed (same locator, other words; whitespace does not count)."""
    before = {c.locator: c for c in old}
    after = {c.locator: c for c in new}
    diff = VersionDiff(doc_id, old_version, new_version)
    for c in new:
        if c.locator not in before:
            diff.added.append(c)
        elif _norm(before[c.locator].text) != _norm(c.text):
            diff.changed.append((before[c.locator], c))
        else:
            diff.unchanged += 1
    diff.removed = [c for c in old if c.locator not in after]
    return diff


_SUFFIX_FORMATS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".txt": "text",
    ".json": "sfs-json",
}


def diff_source(settings: Settings, doc_id: str, new_file: Path, fmt: str = "") -> VersionDiff:
    """Compare the current version of a source with a new file, without changing anything."""
    sources = {s.doc_id: s for s in load_sources(settings.manifest)}
    current = sources.get(doc_id)
    if current is None:
        raise NotFoundError(
            f"No source {doc_id!r} in {settings.manifest}.", hint="See `vagvisare sources` for the doc_ids."
        )
    if not fmt:
        fmt = _SUFFIX_FORMATS.get(new_file.suffix.lower(), current.format)
        if fmt == "html" and current.format == "eurlex":
            fmt = "eurlex"
    today = settings.as_of_date()
    old_doc = read_source(current, settings.corpus_dir)
    old, _ = segment(old_doc, today)
    candidate = replace(current, path=str(new_file.resolve()), format=fmt, version="", sha256="")
    new_doc = read_source(candidate, settings.corpus_dir)
    new, _ = segment(new_doc, today)
    check_clauses(doc_id, new)
    return diff_clauses(doc_id, old, new, version_name(current), new_file.name)
