"""Add a source to the corpus: copy or download the file, check that it reads, write the manifest.

``vagvisare sources add PATH_OR_URL --id … --title … --kind … --binding …`` puts the file
into ``<corpus>/added/<doc_id>.<ext>`` with its sha256 in the manifest, so the next
``vagvisare ingest`` includes it. A download has a timeout, a size limit and a check of
its content type. The file is read and segmented before anything is written: a file the
pipeline cannot read is refused here, not at the next build.

With ``--replace`` the source gets a new version: the current file moves to the
versions folder (:mod:`ingest.versions`) and stays browsable; answers cite the new one.

The reserved ids (:data:`RESERVED`) fill in title, kind, binding and language for the
documents the assistant is built around, and link the English and Swedish versions
of the EU recommendation as parallel texts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ConfigError, SourceError
from core.settings import Settings
from core.sources import BINDINGS, DOC_ID, FORMATS, KINDS, LANGS, Source, load_sources, source_to_toml
from ingest import versions
from ingest.inspection import Quality, quality
from ingest.pipeline import check_clauses, read_source, segment

log = logging.getLogger(__name__)

ADDED_DIR = "added"
MAX_DOWNLOAD = 100 * 1024 * 1024
TIMEOUT = 30.0
_EXTENSIONS = {
    "pdf": ".pdf",
    "html": ".html",
    "eurlex": ".html",
    "text": ".txt",
    "markdown": ".md",
    "sfs-json": ".json",
    "sfs-markdown": ".md",
}
_CONTENT_TYPES = {
    "application/pdf",
    "application/x-pdf",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "application/json",
}

_ELI = "http://data.europa.eu/eli/C/2024/3510/oj"
RESERVED: dict[str, dict[str, str]] = {
    "eu-c-2024-3510": {
        "title": "Council Recommendation of 23 May 2024 on enhancing research security (C/2024/3510)",
        "short": "C/2024/3510",
        "kind": "recommendation",
        "binding": "recommendation",
        "lang": "en",
        "official_url": _ELI,
        "parallel": "eu-c-2024-3510-sv",
    },
    "eu-c-2024-3510-sv": {
        "title": "Rådets rekommendation av den 23 maj 2024 om ökad forskningssäkerhet (C/2024/3510)",
        "short": "C/2024/3510",
        "kind": "recommendation",
        "binding": "recommendation",
        "lang": "sv",
        "official_url": _ELI,
        "parallel": "eu-c-2024-3510",
    },
    "vr-riktlinjer-2024": {
        "title": "Ansvarsfull internationalisering – Delrapportering av ett regeringsuppdrag (U2024/01012)",
        "short": "U2024/01012",
        "kind": "guideline",
        "binding": "guidance",
        "lang": "sv",
    },
    "vr-riktlinjer": {
        "title": "Vägledande nationella riktlinjer för ansvarsfull internationalisering",
        "kind": "guideline",
        "binding": "guidance",
        "lang": "sv",
    },
}


@dataclass
class AddResult:
    source: Source
    file: Path
    clauses: int
    previous: versions.PreviousVersion | None = None
    linked: str = ""  # doc_id of the parallel version now linked back
    quality: Quality | None = None  # how the text came out: printed after the file is added


# --- getting the file -----------------------------------------------------------------------


def is_url(location: str) -> bool:
    return re.match(r"^[a-z][a-z0-9+.-]*://", location, re.I) is not None


def download(url: str, target: Path, *, timeout: float = TIMEOUT, max_bytes: int = MAX_DOWNLOAD) -> str:
    """Fetch ``url`` into ``target``; return the content type. Only http(s), bounded in time and size."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(
            f"{url}: only http and https addresses can be downloaded.",
            hint="For a local file give its path instead.",
        )
    request = urllib.request.Request(url, headers={"User-Agent": "vagvisare (sources add)", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            content_type = response.headers.get_content_type()
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise SourceError(
                    f"{url} is {_size(int(length))}, larger than the limit of {_size(max_bytes)}.",
                    hint="Download it by hand and add the file, if it is the document.",
                )
            size = 0
            with target.open("wb") as out:
                while chunk := response.read(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise SourceError(
                            f"{url} is larger than the limit of {_size(max_bytes)}; download stopped.",
                            hint="Download it by hand and add the file, if it is the document.",
                        )
                    out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise SourceError(
            f"{url}: the server answered {exc.code} {exc.reason}.", hint="Check the address in a browser."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(
            f"{url}: download failed ({reason}).",
            hint=f"Check the address and the network; the timeout is {timeout:.0f} s.",
        ) from None
    head = target.read_bytes()[:1024]
    if content_type not in _CONTENT_TYPES and not (
        content_type == "application/octet-stream" and head.startswith(b"%PDF-")
    ):
        raise SourceError(
            f"{url} is {content_type}, not a document the assistant reads.",
            hint="Give the address of the PDF or of the HTML page itself.",
        )
    return content_type


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def detect_format(data: bytes, name: str, content_type: str = "", url: str = "") -> str:
    """The manifest `format` a file should have, from its bytes, its name and where it came from."""
    head = data[:4096]
    suffix = Path(urllib.parse.urlsplit(name).path).suffix.lower()
    if head.lstrip().startswith(b"%PDF-") or content_type in ("application/pdf", "application/x-pdf"):
        return "pdf"
    text = head.decode("utf-8", "replace").lower()
    if (
        suffix in (".html", ".htm", ".xhtml")
        or "html" in content_type
        or "<html" in text
        or "<!doctype html" in text
    ):
        if "eur-lex.europa.eu" in url or re.search(
            r'class="(oj-|eli-)', data[:400_000].decode("utf-8", "replace")
        ):
            return "eurlex"
        return "html"
    if suffix == ".json" or content_type == "application/json":
        return "sfs-json"
    if suffix in (".md", ".markdown") or content_type in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if suffix == ".txt" or content_type == "text/plain":
        return "text"
    raise SourceError(
        f"{name}: cannot tell what kind of document this is.",
        hint="Give --format (one of pdf, html, eurlex, text, markdown).",
    )


# --- the manifest -----------------------------------------------------------------------------


def _table_spans(text: str) -> list[tuple[int, int]]:
    """(first line, end line) of each [[source]] table, trailing comments and blank lines left outside."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[source]]"]
    spans = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        end = start + 1
        for i in range(start + 1, stop):
            stripped = lines[i].strip()
            if stripped and not stripped.startswith("#"):
                end = i + 1
        spans.append((start, end))
    return spans


def write_manifest(
    manifest: Path, sources: list[Source], changed: dict[str, Source], added: Source | None
) -> None:
    """Rewrite the tables of changed sources in place, append a new one; comments stay. Atomic."""
    text = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
    lines = text.splitlines()
    spans = _table_spans(text)
    order = [s.doc_id for s in sources]
    for index in sorted((order.index(d) for d in changed), reverse=True):
        start, end = spans[index]
        lines[start:end] = source_to_toml(changed[order[index]]).rstrip("\n").splitlines()
    new_text = "\n".join(lines).rstrip("\n") + "\n"
    if added is not None:
        new_text += "\n" + source_to_toml(added)
    tmp = manifest.with_name(f".{manifest.name}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    try:
        load_sources(tmp)  # never leave a manifest that does not load
    except ConfigError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, manifest)


# --- adding -----------------------------------------------------------------------------------


def _fields(doc_id: str, existing: Source | None, given: dict[str, str]) -> dict[str, str]:
    base = existing.to_dict() if existing else dict(RESERVED.get(doc_id, {}))
    values = {k: str(v) for k, v in base.items() if isinstance(v, str)}
    values.update({k: v for k, v in given.items() if v})
    missing = [k for k in ("title", "kind", "binding") if not values.get(k)]
    if missing:
        raise ConfigError(
            f"Adding {doc_id!r} needs {', '.join('--' + m for m in missing)}.",
            hint=f"Reserved ids that need none of them: {', '.join(sorted(RESERVED))}.",
        )
    values.setdefault("lang", "sv")
    for key, allowed in (("kind", KINDS), ("binding", BINDINGS), ("lang", LANGS)):
        if values[key] not in allowed:
            raise ConfigError(f"Unknown {key} {values[key]!r}.", hint=f"Use one of {', '.join(allowed)}.")
    if values.get("format") and values["format"] not in FORMATS:
        raise ConfigError(f"Unknown format {values['format']!r}.", hint=f"Use one of {', '.join(FORMATS)}.")
    return values


def add_source(
    settings: Settings,
    location: str,
    *,
    doc_id: str,
    title: str = "",
    kind: str = "",
    binding: str = "",
    lang: str = "",
    short: str = "",
    fmt: str = "",
    version: str = "",
    as_of: str = "",
    official_url: str = "",
    parallel: str = "",
    replace_current: bool = False,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_DOWNLOAD,
) -> AddResult:
    """Put a document into the corpus and the manifest (or a new version of one already there)."""
    if not DOC_ID.match(doc_id):
        raise ConfigError(f"doc_id {doc_id!r} is not valid.", hint="Use lower case letters, digits and '-'.")
    today = settings.as_of_date()
    sources = load_sources(settings.manifest) if settings.manifest.exists() else []
    by_id = {s.doc_id: s for s in sources}
    existing = by_id.get(doc_id)
    if existing and not replace_current:
        raise ConfigError(
            f"{doc_id!r} is already in {settings.manifest}.",
            hint="To add a newer version of it, repeat the command with --replace.",
        )
    if replace_current and not existing:
        raise ConfigError(
            f"--replace: there is no source {doc_id!r} in {settings.manifest} to replace.",
            hint="Leave out --replace to add it as a new source.",
        )
    values = _fields(
        doc_id,
        existing,
        {
            "title": title,
            "kind": kind,
            "binding": binding,
            "lang": lang,
            "short": short,
            "as_of": as_of,
            "official_url": official_url,
        },
    )

    corpus = settings.corpus_dir
    _check_writable(corpus)
    with tempfile.TemporaryDirectory(dir=corpus, prefix=".incoming-") as tmp_dir:
        incoming = Path(tmp_dir) / "document"
        content_type = ""
        if is_url(location):
            content_type = download(location, incoming, timeout=timeout, max_bytes=max_bytes)
        else:
            given = Path(location)
            if not given.is_file():
                raise SourceError(
                    f"{given} does not exist or is not a file.", hint="Give the path of the document."
                )
            shutil.copyfile(given, incoming)
        data = incoming.read_bytes()
        fmt = fmt or detect_format(data, location, content_type, location if is_url(location) else "")
        if fmt not in FORMATS:
            raise ConfigError(f"Unknown format {fmt!r}.", hint=f"Use one of {', '.join(FORMATS)}.")
        sha = hashlib.sha256(data).hexdigest()
        if existing and (existing.sha256 == sha or _file_sha(corpus / existing.path) == sha):
            raise ConfigError(
                f"{location} is the same file as the current version of {doc_id!r}; nothing to do."
            )

        # read and segment it now: a file the pipeline cannot use is refused before anything is written
        trial = Source(
            doc_id=doc_id,
            title=values["title"],
            kind=values["kind"],
            binding=values["binding"],
            lang=values["lang"],
            format=fmt,
            path=str(incoming),
        )
        try:
            doc = read_source(trial, corpus)
            clauses, _ = segment(doc, today)
            check_clauses(doc_id, clauses)
        except SourceError as exc:  # the reader names the copy it read; the operator knows their file
            raise SourceError(
                exc.message.replace(str(incoming), location),
                hint=exc.hint.replace(str(incoming), location) if exc.hint else None,
            ) from None
        summary = quality(doc, clauses)

        previous = versions.archive_current(corpus, existing, today) if existing else None
        taken = {v.version for v in versions.previous_versions(corpus, doc_id)}
        new_version = versions.next_version(version, taken, today)
        relative = Path(ADDED_DIR) / f"{doc_id}{_EXTENSIONS[fmt]}"
        if existing and Path(existing.path).suffix == relative.suffix:
            relative = Path(existing.path)
        target = corpus / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, target)
    if existing and (corpus / existing.path) != target and (corpus / existing.path).exists():
        (corpus / existing.path).unlink()  # archived above; the new file lives elsewhere

    partner = parallel or values.get("parallel", "")
    partner = partner if partner in by_id and partner != doc_id else ""
    fields = {
        k: v for k, v in values.items() if k in Source.__dataclass_fields__ and k not in ("line", "aliases")
    }
    fields.update(
        doc_id=doc_id,
        format=fmt,
        path=relative.as_posix(),
        sha256=sha,
        parallel=partner,
        url=location if is_url(location) else "",
        version=new_version,
        added=today.isoformat(),
    )
    aliases = tuple(existing.aliases) if existing else ()
    new_source = Source(**fields, aliases=aliases)  # type: ignore[arg-type]
    changed: dict[str, Source] = {}
    if existing:
        changed[doc_id] = new_source
    linked = ""
    if partner and by_id[partner].parallel != doc_id:
        changed[partner] = replace(by_id[partner], parallel=doc_id)
        linked = partner
    write_manifest(settings.manifest, sources, changed, None if existing else new_source)
    log.info("Added %s (%s, %d clauses) as %s", doc_id, fmt, len(clauses), relative)
    return AddResult(new_source, target, len(clauses), previous, linked, summary)


def _check_writable(corpus: Path) -> None:
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=corpus, prefix=".probe-")  # noqa: SIM115 - closed right away
        probe.close()
    except OSError as exc:
        raise ConfigError(
            f"The corpus directory {corpus} cannot be written to ({exc.strerror}).",
            hint="Point VAGVISARE_CORPUS_DIR at a writable copy of the corpus to add sources to it.",
        ) from None


def _file_sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
