"""The `vagvisare` command line, assembled from the commands of each package.

Every package lists its commands in its own ``commands`` module as :class:`core.commands.Command`
records; this module, above them all, puts them under one parser in the order of ``--help`` and
runs the one asked for. Errors of the project's family are printed as one clear message (no stack
trace) and end the process with the error's exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import assistant.commands
import core.commands
import eval.commands
import ingest.commands
import web.commands
from core.commands import Command
from core.errors import VagvisareError
from core.settings import Settings, load_settings

log = logging.getLogger("vagvisare")

# the order of `vagvisare --help`; a group's subcommands follow it
COMMANDS: tuple[Command, ...] = (
    *ingest.commands.INGEST_COMMANDS,
    *assistant.commands.SOURCES_COMMANDS,
    *ingest.commands.SOURCES_COMMANDS,
    *ingest.commands.BANK_COMMANDS,
    *core.commands.COMMANDS,
    *assistant.commands.COMMANDS,
    *web.commands.COMMANDS,
    *eval.commands.COMMANDS,
)


def _dest(path: tuple[str, ...]) -> str:
    """Where argparse keeps the subcommand chosen under ``path``: "command", "sources_command", ..."""
    return "_".join((*path, "command"))


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vagvisare", description="Cited answers on research security.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    parsers: dict[tuple[str, ...], argparse.ArgumentParser] = {(): parser}
    groups: dict[tuple[str, ...], argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    by_path = {c.path: c for c in commands}
    for command in commands:
        parent = command.path[:-1]
        if parent not in parsers:
            raise ValueError(f"`{command.name}` comes before the command it belongs to")
        if parent not in groups:
            owner = by_path.get(parent)
            required = not parent or owner is None or owner.run is None
            groups[parent] = parsers[parent].add_subparsers(dest=_dest(parent), required=required)
            if not required:
                parsers[parent].set_defaults(**{_dest(parent): None})
        sub = groups[parent].add_parser(command.path[-1], help=command.help, description=command.description)
        command.add_arguments(sub)
        parsers[command.path] = sub
    return parser


def chosen(args: argparse.Namespace, commands: Sequence[Command] = COMMANDS) -> Command:
    """The command the parsed arguments ask for (the deepest subcommand given)."""
    by_path = {c.path: c for c in commands}
    path: tuple[str, ...] = ()
    while getattr(args, _dest(path), None) is not None:
        path = (*path, getattr(args, _dest(path)))
    return by_path[path]


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Our modules at the configured level; other libraries only when they warn."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    level = logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    for name in ("core", "assistant", "ingest", "web", "eval", "vagvisare"):
        logging.getLogger(name).setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = chosen(args)
    try:
        settings = load_settings()
        configure_logging(settings, verbose=args.verbose)
        assert command.run is not None, "argparse requires a subcommand of a group"
        return command.run(args, settings)
    except VagvisareError as exc:
        print(f"vagvisare: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vagvisare: interrupted; nothing was swapped in.", file=sys.stderr)
        return 130
