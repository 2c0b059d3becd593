"""Safe YAML loading that remembers where every value came from.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`; both know the
line and column of themselves and of each of their items, so a loader can say
``file:line: what is wrong`` (used by ``seed`` and ``scenario``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wasim.errors import GraphError

Mark = tuple[int, int]


class SourceError(Exception):
    """A problem in a YAML source file, located by line and column (1-based)."""

    def __init__(self, path: str, line: int, column: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        where = f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {problem}")


class MarkedDict(dict[str, Any]):
    """A mapping loaded from YAML, with ``mark`` and ``key_marks``."""

    mark: Mark = (1, 1)
    key_marks: dict[str, Mark]

    def mark_of(self, key: str) -> Mark:
        return self.key_marks.get(key, self.mark)


class MarkedList(list[Any]):
    """A sequence loaded from YAML, with ``mark`` and ``item_marks``."""

    mark: Mark = (1, 1)
    item_marks: list[Mark]

    def mark_of(self, index: int) -> Mark:
        return self.item_marks[index] if index < len(self.item_marks) else self.mark


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.mark = _mark(node)
    result.key_marks = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain scalar", key_node.start_mark
            )
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = _mark(key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.mark = _mark(node)
    result.item_marks = [_mark(child) for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)

_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        """The same safe loader on libyaml's parser (about ten times faster)."""

    for _tag, _constructor in (
            (yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping),
            (yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence),
            ("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)):
        _CLoader.add_constructor(_tag, _constructor)
    _FastLoader = _CLoader


def loads(text: str, path: str = "<string>") -> Any:
    """Parse YAML text safely; syntax errors become :class:`SourceError`.

    libyaml parses when it is installed; on any error the pure-Python parser parses again,
    so messages are the same with or without it."""
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(path, line, column, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, 1, 1, f"invalid YAML: {exc}") from None


def load_file(path: str | Path) -> Any:
    """Read and parse a YAML file; an unreadable file is a :class:`SourceError` too."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(name, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SourceError(name, 1, 1, "not UTF-8 text") from None
    return loads(text, name)


def graph_error_at(path: str, mark: Mark, exc: GraphError) -> SourceError:
    """Re-locate a rule's refusal at the YAML value that caused it."""
    return SourceError(path, mark[0], mark[1], exc.details or exc.title)
