"""What a command of the `vagvisare` command line is, and the helpers every command prints with.

Each package lists its commands in its own ``commands`` module as :class:`Command` records
(``ingest/commands.py``, ``assistant/commands.py``, ``web/commands.py``, ``eval/commands.py``);
``vagvisare/cli.py`` assembles them into one parser. A command parses its arguments, calls
one library function and prints the result; its heavy imports happen when it runs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.settings import Settings

Runner = Callable[[argparse.Namespace, Settings], int]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command that takes no arguments."""


@dataclass(frozen=True)
class Command:
    """One command: ``path`` ("sources", "add") under `vagvisare`, its help, its arguments, what it runs.

    A command without ``run`` is a group: one of its subcommands must be given
    (`vagvisare eval run`). A command with ``run`` may still have subcommands, which are
    then optional (`vagvisare sources` lists, `vagvisare sources add` adds).
    """

    path: tuple[str, ...]
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    run: Runner | None = None
    description: str | None = None

    @property
    def name(self) -> str:
        return " ".join(self.path)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def table(rows: list[list[str]], header: list[str]) -> str:
    """Columns padded to their widest cell, under a header and a rule."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _settings(args: argparse.Namespace, settings: Settings) -> int:
    rows = [[name, str(getattr(settings, name[len("VAGVISARE_"):].lower())), help_]
            for name, _default, help_ in Settings.describe()]
    print(table(rows, ["variable", "value", "description"]))
    return 0


SETTINGS = Command(("settings",), "show every setting, its value and what it does", run=_settings)
COMMANDS = (SETTINGS,)
