"""The command line is assembled from every package's Command records, in the order of `vagvisare --help`."""

from __future__ import annotations

import argparse

import pytest

from core.commands import Command, table
from vagvisare.cli import COMMANDS, build_parser, chosen


def test_every_command_is_listed_once_and_after_the_command_it_belongs_to() -> None:
    paths = [c.path for c in COMMANDS]
    assert len(paths) == len(set(paths)), "a command is listed twice"
    for i, path in enumerate(paths):
        if len(path) > 1:
            assert path[:-1] in paths[:i], f"`{' '.join(path)}` must follow `{' '.join(path[:-1])}`"


def test_the_top_level_commands_in_the_order_of_help() -> None:
    top = [c.path[0] for c in COMMANDS if len(c.path) == 1]
    assert top == ["ingest", "sources", "bank", "settings", "ask", "feedback", "serve", "bench", "eval"]


@pytest.mark.parametrize(("argv", "path"), [
    (["ingest", "--check"], ("ingest",)),
    (["sources"], ("sources",)),
    (["sources", "--json"], ("sources",)),
    (["sources", "diff", "doc", "file.pdf"], ("sources", "diff")),
    (["sources", "add", "file.pdf", "--id", "doc"], ("sources", "add")),
    (["sources", "show", "doc", "--json"], ("sources", "show")),
    (["bank", "add", "sfs-2018-585#3:1", "Vem?"], ("bank", "add")),
    (["bank", "import", "q.jsonl", "--origin", "x"], ("bank", "import")),
    (["bank", "outside", "Vad kostar det?", "--why", "x"], ("bank", "outside")),
    (["bank", "check"], ("bank", "check")),
    (["eval", "run", "--mode", "hybrid"], ("eval", "run")),
    (["ask", "Vem?", "--json"], ("ask",)),
])
def test_the_parsed_arguments_name_the_command_that_runs(argv: list[str], path: tuple[str, ...]) -> None:
    command = chosen(build_parser().parse_args(argv))
    assert command.path == path and command.run is not None


def test_a_group_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval"])
    assert "required" in capsys.readouterr().err


def test_a_subcommand_before_its_group_is_a_mistake() -> None:
    def run(args: argparse.Namespace, settings: object) -> int:
        return 0

    with pytest.raises(ValueError, match="comes before the command it belongs to"):
        build_parser([Command(("x", "y"), "y", run=run), Command(("x",), "x")])


def test_table_pads_columns_under_a_rule() -> None:
    assert table([["a", "bb"], ["ccc", "d"]], ["h1", "h2"]).splitlines() == [
        "h1   h2", "---  --", "a    bb", "ccc  d"]
