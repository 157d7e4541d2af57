"""The `vagvisare` command: parse arguments, call one library function, print the result.

Errors of the project's family are printed as one clear message (no stack trace)
and end the process with the error's exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from core.errors import VagvisareError
from core.settings import Settings, load_settings

log = logging.getLogger("vagvisare")

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


@command("ingest")
def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import build_index

    report = build_index(settings, rebuild=args.rebuild, progress=not args.quiet, only_check=args.check)
    rows = [[d["doc_id"], str(d["clauses"]), ", ".join(f"{k} {v}" for k, v in sorted(d["statuses"].items()))]
            for d in report.documents]
    print(_table(rows, ["document", "clauses", "status"]))
    for warning in report.warnings:
        print(f"note: {warning}")
    if args.check:
        print(f"\nChecked {len(report.documents)} documents, {report.clauses} clauses "
              f"in {report.seconds:.1f} s. Nothing was written.")
        return 0
    print(f"\nIndexed {len(report.documents)} documents, {report.clauses} clauses "
          f"({report.passages} passages, {report.sentences} sentences; {report.embedded} embedded, "
          f"{report.reused} reused) in {report.seconds:.1f} s.")
    print(f"Index {report.index_version} in {report.index_dir} ({report.size_bytes / 1e6:.1f} MB).")
    return 0


@command("sources")
def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.catalog import list_sources

    if args.sources_command is not None:
        from assistant.catalog import SOURCES_COMMANDS

        return SOURCES_COMMANDS[args.sources_command](args, settings)
    listing = list_sources(settings)
    if args.json:
        _print_json(listing)
        return 0
    rows = [[s["doc_id"], s["kind"], s["binding"], s["as_of"], str(s.get("clauses", "-")),
             ", ".join(f"{k} {v}" for k, v in sorted((s.get("statuses") or {}).items()))] for s in listing]
    print(_table(rows, ["document", "kind", "binding", "as of", "clauses", "status"]))
    return 0


@command("settings")
def _settings(args: argparse.Namespace, settings: Settings) -> int:
    rows = [[name, str(getattr(settings, name[len("VAGVISARE_"):].lower())), help_]
            for name, _default, help_ in Settings.describe()]
    print(_table(rows, ["variable", "value", "description"]))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vagvisare", description="Cited answers on research security.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read the sources and build the index")
    p.add_argument("--rebuild", action="store_true", help="recompute every vector (ignore the previous index)")
    p.add_argument("--check", action="store_true", help="read and segment only; write nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser("sources", help="list the sources (and add or compare them)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(sources_command=None)
    from assistant.catalog import add_sources_subcommands

    add_sources_subcommands(p)

    sub.add_parser("settings", help="show every setting, its value and what it does")

    for register in EXTRA_PARSERS:
        register(sub)
    return parser


EXTRA_PARSERS: list[Callable[[Any], None]] = []


def _load_extensions() -> None:
    """Commands that live beside their library code (ask, serve, eval, bench)."""
    import importlib

    for module in ("assistant.cli_ask", "web.cli", "eval.cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Our modules at the configured level; other libraries only when they warn."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    level = logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    for name in ("assistant", "ingest", "web", "eval", "vagvisare"):
        logging.getLogger(name).setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings, verbose=args.verbose)
        return COMMANDS[args.command](args, settings)
    except VagvisareError as exc:
        print(f"vagvisare: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vagvisare: interrupted; nothing was swapped in.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
