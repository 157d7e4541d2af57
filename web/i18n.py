"""The interface's words in Swedish (default) and English, and how a request picks its language.

The words are data (``web/data/messages.yaml``), read with :class:`core.messages.Messages` like
the answers' phrases.

The answer's language follows the question (the library detects it); the interface's
language follows the user: ``?lang=``, then the ``vv_lang`` cookie, then Accept-Language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request

from core.messages import Messages

LANGS = ("sv", "en")
DEFAULT = "sv"
COOKIE = "vv_lang"

MESSAGES_FILE = Path(__file__).parent / "data" / "messages.yaml"

EXAMPLES = {
    "sv": ["Vem ska säkerhetsprövas?", "Vad är en säkerhetsskyddsanalys?",
           "Vad ska riktlinjerna för ansvarsfull internationalisering innehålla?"],
    "en": ["Who must undergo security vetting?", "What is a protective security analysis?"],
}

LANG_NAMES = {"sv": {"sv": "svenska", "en": "engelska"}, "en": {"sv": "Swedish", "en": "English"}}


def accepted(header: str) -> str | None:
    """The best of our languages in an Accept-Language header ("en-GB,en;q=0.9,sv;q=0.8" → "en")."""
    best: tuple[float, str] | None = None
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        if code == "nb" or code == "nn" or code == "no" or code == "da":
            code = "sv"  # Scandinavian readers are closer to the Swedish interface
        if code not in LANGS:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > 0 and (best is None or q > best[0]):
            best = (q, code)
    return best[1] if best else None


def pick_lang(request: Request) -> str:
    """``?lang=``, then the cookie, then Accept-Language, then Swedish."""
    query = request.query_params.get("lang")
    if query in LANGS:
        return query
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie
    return accepted(request.headers.get("accept-language", "")) or DEFAULT


@lru_cache(maxsize=1)
def messages() -> Messages:
    """The interface's words (``data/messages.yaml``), in the catalogue format of the answers' phrases."""
    return Messages.load(MESSAGES_FILE)


def say(key: str, lang: str, **args: object) -> str:
    """The interface's message ``key`` in ``lang`` with its arguments filled in."""
    return messages().text(key, lang if lang in LANGS else DEFAULT, **args)


def number(n: int, lang: str) -> str:
    """A count as the language writes it: "1 000" (a no-break space) in Swedish, "1,000" in English."""
    return f"{n:,}".replace(",", "\u00a0") if lang != "en" else f"{n:,}"


@lru_cache(maxsize=len(LANGS))
def _strings(lang: str) -> dict[str, str]:
    return messages().strings(lang)


def strings(lang: str) -> dict[str, str]:
    """Every word of the interface in ``lang`` (Swedish for any other), for the page templates."""
    return _strings(lang if lang in LANGS else DEFAULT)
