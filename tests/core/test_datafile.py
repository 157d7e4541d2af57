"""Data files: a key twice in a mapping is refused, and every error names the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.datafile import LocatedDict, LocatedList, entry_error, line_of, load_yaml, require_list, require_mapping
from core.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_remember_their_lines(tmp_path: Path) -> None:
    data = load_yaml(_write(tmp_path, "# a comment\na: 1\nlist:\n  - x\n  - y\nnested:\n  b: 2\n"))
    assert isinstance(data, LocatedDict) and data == {"a": 1, "list": ["x", "y"], "nested": {"b": 2}}
    assert line_of(data, "a") == 2 and line_of(data, "nested") == 6
    assert isinstance(data["list"], LocatedList) and data["list"].lines == [4, 5]
    assert line_of(data["nested"], "b") == 7


def test_a_key_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: 2\na: 3\n")
    with pytest.raises(ConfigError) as err:
        load_yaml(path)
    assert f"{path} line 3" in str(err.value) and "'a' appears twice" in str(err.value), "file, line, what"
    assert "first at line 1" in str(err.value)


def test_a_duplicate_inside_a_list_item_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "- type: x\n  words: [a]\n- type: y\n  type: z\n")
    with pytest.raises(ConfigError, match=r"line 4: 'type' appears twice"):
        load_yaml(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: [unclosed\nc: 3\n")
    with pytest.raises(ConfigError, match=rf"{path} line \d+:"):
        load_yaml(path)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_yaml(tmp_path / "missing.yaml")


def test_entry_error_and_shape_checks(tmp_path: Path) -> None:
    path = _write(tmp_path, "terms:\n  x: 1\n  y: ''\n")
    data = load_yaml(path)
    error = entry_error(path, data["terms"], "y", "must not be empty.")
    assert str(error) == f"{path} line 3: 'y': must not be empty."
    assert require_mapping(path, data, "the file") is data
    with pytest.raises(ConfigError, match="must be a list"):
        require_list(path, data["terms"], "terms")
    with pytest.raises(ConfigError, match="must be a mapping"):
        require_mapping(path, ["x"], "terms")
