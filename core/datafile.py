"""Data files (YAML) read with the line of every entry, so a wrong entry is named by file and line.

Word lists, the glossary and the message catalogues are data, not Python literals. They are
read with :func:`load_yaml`, which refuses a key that appears twice in one mapping (plain YAML
keeps the last silently), and returns mappings and lists that remember where each entry stands
(:class:`Located`), so a loader that finds an entry malformed can say so with :func:`entry_error`:

    glossary.yaml line 57: 'vetting': the Swedish terms must be a non-empty string.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError


class LocatedDict(dict[Any, Any]):
    """A mapping read from a data file; ``lines[key]`` is the line (1-based) where ``key`` stands."""

    lines: dict[Any, int]
    line: int


class LocatedList(list[Any]):
    """A list read from a data file; ``lines[i]`` is the line (1-based) of item ``i``."""

    lines: list[int]
    line: int


Located = LocatedDict | LocatedList


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, refusing duplicate keys and keeping the line of every entry."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    out = LocatedDict()
    out.lines, out.line = {}, node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            seen = key in out.lines
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a plain value, not {type(key).__name__}", key_node.start_mark) from None
        if seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{key!r} appears twice in one mapping (first at line {out.lines[key]})",
                key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    out = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    out.lines = [child.start_mark.line + 1 for child in node.value]
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)  # type: ignore[arg-type]


def load_yaml(path: Path, *, hint: str = "") -> Any:
    """The file's data with :class:`LocatedDict` / :class:`LocatedList` for mappings and lists.

    A file that cannot be read or parsed, or a mapping with a key twice, is a
    :class:`ConfigError` naming the file and the line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).", hint=hint or None) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: {exc.problem or exc.context}.", hint=hint or None) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {exc}.", hint=hint or None) from None


def line_of(container: Any, key: Any) -> int:
    """The line of ``container[key]`` (0 when the container was not read from a file)."""
    if isinstance(container, LocatedDict):
        return container.lines.get(key, container.line)
    if isinstance(container, LocatedList) and isinstance(key, int) and 0 <= key < len(container.lines):
        return container.lines[key]
    return int(getattr(container, "line", 0))


def entry_error(path: Path, container: Any, key: Any, problem: str, *, hint: str = "") -> ConfigError:
    """``<file> line <n>: <entry>: <problem>`` for the entry ``container[key]``."""
    line = line_of(container, key)
    where = f"{path} line {line}" if line else str(path)
    entry = f" {key!r}:" if not isinstance(key, int) else ""
    return ConfigError(f"{where}:{entry} {problem}", hint=hint or None)


def _require(path: Path, data: Any, kind: type, what: str, shape: str) -> Any:
    if not isinstance(data, kind):
        line = getattr(data, "line", 0)
        raise ConfigError(f"{path}{f' line {line}' if line else ''}: {what} must be {shape}, "
                          f"not {type(data).__name__}.")
    return data


def require_mapping(path: Path, data: Any, what: str) -> LocatedDict:
    """``data`` if it is a mapping read from the file, else an error naming ``what``."""
    return _require(path, data, LocatedDict, what, "a mapping (`key: value` lines)")


def require_list(path: Path, data: Any, what: str) -> LocatedList:
    """``data`` if it is a list read from the file, else an error naming ``what``."""
    return _require(path, data, LocatedList, what, "a list (`- item` lines)")
