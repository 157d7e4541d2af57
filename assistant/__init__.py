"""The query side of Vägvisare: retrieval and templated answers with cited clauses, over the index in core.

    from assistant import answer, load_settings
    print(answer("Vem ska säkerhetsprövas?", load_settings()).text)

``Settings``, ``load_settings`` and ``VagvisareError`` are :mod:`core`'s, offered here for that use.
"""

from core.errors import VagvisareError
from core.settings import Settings, load_settings

__all__ = ["Assistant", "Settings", "VagvisareError", "answer", "load_settings", "search"]


def __getattr__(name: str):  # lazy: importing the package must not load torch
    if name == "Assistant":
        from assistant.engine import Assistant

        return Assistant
    if name == "answer":
        from assistant.engine import answer

        return answer
    if name == "search":
        from assistant.engine import search_hits

        return search_hits
    raise AttributeError(name)
