"""The catalogue of sources: what the manifest lists and what the index holds of each."""

from __future__ import annotations

from typing import Any

from core import store
from core.errors import IndexMissingError
from core.settings import Settings
from core.sources import load_sources


def list_sources(settings: Settings) -> list[dict[str, Any]]:
    """Every source in the manifest with kind, binding, as_of and, when indexed, clause counts per status."""
    try:
        indexed = store.read_manifest(settings.index_dir).get("documents", {})
    except IndexMissingError:
        indexed = {}
    out = []
    for source in load_sources(settings.manifest):
        row: dict[str, Any] = {
            "doc_id": source.doc_id, "title": source.title, "short": source.short, "kind": source.kind,
            "binding": source.binding, "lang": source.lang, "format": source.format, "as_of": source.as_of,
            "official_url": source.official_url, "version": source.version,
        }
        info = indexed.get(source.doc_id)
        row["indexed"] = info is not None
        row["clauses"] = info["clauses"] if info else None
        row["statuses"] = info["statuses"] if info else {}
        if info and info.get("as_of") and not row["as_of"]:
            row["as_of"] = info["as_of"]
        out.append(row)
    return out
