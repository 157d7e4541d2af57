"""Rendering: the jinja2 environment (autoescaped), the context every page gets, and text helpers.

Templates and static files are found beside this module, never through the working directory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from assistant.compose import binding_label, clause_label, permalink
from core.records import Clause
from web.i18n import COOKIE as LANG_COOKIE
from web.i18n import LANG_NAMES, LANGS, pick_lang, say, strings
from web.security import set_csrf_cookie

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def as_of_text(as_of: str, lang: str) -> str:
    """A consolidation level as the language says it: "t.o.m. SFS 2025:1472" is "up to and including SFS
    2025:1472" in English."""
    if lang == "en" and as_of.startswith("t.o.m. "):
        return f"up to and including {as_of.removeprefix('t.o.m. ')}"
    return as_of


def consolidation(as_of: str, lang: str) -> str:
    """"t.o.m. SFS 2025:1472" → "i lydelse t.o.m. SFS 2025:1472"; other dates as a version."""
    if not as_of:
        return ""
    if as_of.startswith("t.o.m."):
        return f"{strings(lang)['consolidated']} {as_of_text(as_of, lang)}"
    return f"{strings(lang)['version']}: {as_of}"


def status_text(status: str, lang: str) -> str:
    return strings(lang).get(f"status_{status}", status)


def code_spans(text: str | None) -> Markup:
    """Escape a message and show its `commands` as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["code"] = code_spans
    env.globals.update(consolidation=consolidation, as_of_text=as_of_text, status_text=status_text,
                       clause_label=clause_label, binding_label=binding_label, permalink=permalink,
                       lang_names=LANG_NAMES, say=say)
    return env


def static_version() -> str:
    """Changes when app.css or app.js change, so browsers never keep a stale copy for long."""
    stamp = max((STATIC / n).stat().st_mtime_ns for n in ("app.css", "app.js"))
    return format(stamp // 1_000_000 % 0xFFFFFFF, "x")


def context(request: Request, **values: Any) -> dict[str, Any]:
    lang = pick_lang(request)
    other = "en" if lang == "sv" else "sv"
    csrf = request.app.state.csrf
    token, new = csrf.token_for(request)
    request.state.csrf_new = token if new else None
    ctx: dict[str, Any] = {
        "lang": lang, "t": strings(lang), "csrf": token, "path": request.url.path,
        "switch_url": _switch_url(request, other),
        "static_version": request.app.state.static_version,
    }
    ctx.update(values)
    return ctx


def _switch_url(request: Request, lang: str) -> str:
    query = dict(request.query_params)
    query["lang"] = lang
    return f"{request.url.path}?{urlencode(query)}"


def render(request: Request, name: str, ctx: dict[str, Any], status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    html = environment().get_template(name).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    finish(request, response)
    return response


def finish(request: Request, response: Any) -> None:
    """Cookies a rendered response carries: a new CSRF token, a chosen language."""
    secure = request.url.scheme == "https"
    token = getattr(request.state, "csrf_new", None)
    if token:
        set_csrf_cookie(response, token, secure)
    chosen = request.query_params.get("lang")
    if chosen in LANGS and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=60 * 60 * 24 * 365, samesite="lax", secure=secure,
                            httponly=True, path="/")


# ---------------------------------------------------------------------------- clause text
_SPAN = re.compile(r"(\d{1,7})-(\d{1,7})")


def parse_spans(raw: str | None, length: int) -> list[tuple[int, int]]:
    """``hl=10-42,50-80`` → sorted, merged spans clipped to the text (an empty list for none).

    A malformed span is left out: a highlight is a courtesy of the link, and the page shows the
    clause without it rather than an error."""
    if not raw:
        return []
    spans = []
    for part in raw.split(","):
        m = _SPAN.fullmatch(part.strip())
        if not m:
            continue
        a, b = min(int(m.group(1)), length), min(int(m.group(2)), length)
        if b > a:
            spans.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


@dataclass(frozen=True)
class Line:
    """A stycke or punkt of a clause: its anchor and its text in (text, highlighted) pieces."""

    anchor: str
    pieces: tuple[tuple[str, bool], ...]
    advice: bool = False  # general advice (Allmänna råd) beside a binding provision: not binding


def lines(clause: Clause, spans: Sequence[tuple[int, int]] = ()) -> list[Line]:
    text = clause.text
    units = {u.start: f"{u.kind}-{u.number}" for u in clause.units}
    out: list[Line] = []
    start = 0
    for k, line in enumerate(text.split("\n")):
        end = start + len(line)
        pieces: list[tuple[str, bool]] = []
        pos = start
        for a, b in spans:
            a2, b2 = max(a, start), min(b, end)
            if a2 < b2:
                if pos < a2:
                    pieces.append((text[pos:a2], False))
                pieces.append((text[a2:b2], True))
                pos = b2
        if pos < end:
            pieces.append((text[pos:end], False))
        advice = any(u.kind == "allmanna_rad" and u.start <= start < u.end for u in clause.units)
        out.append(Line(units.get(start, f"l-{k + 1}"), tuple(pieces), advice))
        start = end + 1
    return out


def citation_text(title: str, clause: Clause) -> str:
    """How to cite a clause: "Säkerhetsskyddslag (2018:585) 2 kap. 1 §" (in the clause's language)."""
    return f"{title} {clause_label(clause, clause.lang)}"
