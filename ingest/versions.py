"""Versions of a source: earlier files kept beside the corpus and indexed as expired clauses.

When an operator replaces a source with a newer version (``vagvisare sources add FILE
--id DOC_ID --replace``), the current file moves to ``<corpus>/versions/<doc_id>/`` and
is listed in ``<corpus>/versions/<doc_id>/versions.toml``. The build indexes each
previous version after the current one, with ids ``<doc_id>#<locator>@v<version>`` and
status ``expired``: answers cite only the current version (they take clauses in force),
while a previous version stays browsable by its own permalink.

:mod:`ingest.diff` compares two versions clause by clause; :mod:`core.versions` finds, in a
loaded index, the other versions of a clause and the same clause in the other language version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ConfigError
from core.records import Clause
from core.sources import Source, toml_value
from core.versions import previous_locator

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
                lines.append(f"{key} = {toml_value(value)}")
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
        locator = previous_locator(c.locator, version.version)
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
