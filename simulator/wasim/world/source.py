"""YAML files read safely, with every value located: what is wrong names its file and line.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`; both know the
line and column of themselves and of each of their items. :class:`Reader` reads one
mapping with typed getters that raise :class:`SourceError` at ``file:line:col`` (world
files, review rule files and scenarios use them).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

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


MAX_DEPTH = 100
"""Mappings and lists nest at most this deep in a source file."""
MAX_VALUES = 100_000
"""Values (mappings, lists, scalars, keys) written in one source file (some 14,000
short scenario steps; about 110 MB once checked)."""
MAX_ALIAS_VALUES = 100_000
"""Values that aliases (``*name``) may add to a file once expanded (no alias bombs)."""
MAX_INTEGER_CHARS = 100
"""Characters of a whole number (a 5,000-digit number is a mistake, not a seed)."""
MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest source file read."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_RESOLVER = yaml.resolver.Resolver()
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _scan(text: str, path: str, loader: Any) -> None:
    """Refuse what would make loading or using the values blow up, before loading: nesting
    deeper than :data:`MAX_DEPTH`, more than :data:`MAX_VALUES` values, aliases expanding
    to more than :data:`MAX_ALIAS_VALUES` values, huge whole numbers and lone surrogates.
    One pass over the parser's events, without recursion."""
    sizes: dict[str, int] = {}
    open_: list[tuple[str | None, int]] = []
    count, extra, written = 0, 0, 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (*_OPEN, yaml.ScalarEvent)):
            written += 1
            if written > MAX_VALUES:
                raise SourceError(path, *_at(event), f"more than {MAX_VALUES:,} values in one "
                                                     f"file (split it in several files)")
        if isinstance(event, _OPEN):
            if len(open_) >= MAX_DEPTH:
                raise SourceError(path, *_at(event),
                                  f"values nested deeper than {MAX_DEPTH} levels")
            open_.append((event.anchor, count))
            count = 1
        elif isinstance(event, _CLOSE):
            anchor, outer = open_.pop()
            if anchor:
                sizes[anchor] = count
            count += outer
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "", 1)
            count, extra = count + size, extra + size
            if extra > MAX_ALIAS_VALUES:
                raise SourceError(path, *_at(event),
                                  f"aliases expand to more than {MAX_ALIAS_VALUES:,} values "
                                  f"(*{event.anchor} is {size:,} values)")
        elif isinstance(event, yaml.ScalarEvent):
            _check_scalar(event, path)
            if event.anchor:
                sizes[event.anchor] = 1
            count += 1


def _at(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _check_scalar(event: yaml.ScalarEvent, path: str) -> None:
    value = event.value
    where = (path, *_at(event))
    found = _SURROGATE.search(value)
    if found is not None:
        raise SourceError(*where, f"a lone surrogate \\u{ord(found.group()):04x} is not "
                                  f"text (write the character itself, or a pair of escapes)")
    if (len(value) > MAX_INTEGER_CHARS and event.implicit[0]
            and _RESOLVER.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, value, (True, False))
            == "tag:yaml.org,2002:int"):
        raise SourceError(*where, f"a whole number of {len(value):,} characters is too long "
                                  f"(at most {MAX_INTEGER_CHARS}; quote it to make it text)")


def loads(text: str, path: str = "<string>") -> Any:
    """Parse YAML text safely; syntax errors become :class:`SourceError`.

    libyaml parses when it is installed; on any error the pure-Python parser parses again,
    so messages are the same with or without it. Deep nesting, alias bombs, huge whole
    numbers and lone surrogates are refused before anything is built (:func:`_scan`)."""
    if _FastLoader is not None:
        try:
            _scan(text, path, _FastLoader)
            return yaml.load(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass
    try:
        _scan(text, path, _Loader)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(path, line, column, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        before = text[:exc.position]
        line, column = before.count("\n") + 1, exc.position - before.rfind("\n")
        what = (f"control character #x{exc.character:04x} is not allowed"
                if isinstance(exc.character, int) else str(exc.reason))
        raise SourceError(path, line, column, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, 1, 1, f"invalid YAML: {exc}") from None
    except (RecursionError, ValueError) as exc:  # beyond what _scan foresees
        raise SourceError(path, 1, 1, f"cannot read these values: {exc}") from None


def load_file(path: str | Path) -> Any:
    """Read and parse a YAML file; an unreadable file is a :class:`SourceError` too."""
    name = str(path)
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(name, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(name, 1, 1, f"file too large (over {MAX_FILE_BYTES // 2**20} MB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(name, 1, 1, "not UTF-8 text") from None
    return loads(text, name)


class Reader:
    """Reads one YAML mapping with typed getters that raise :class:`SourceError`.

    Args:
        data: The loaded mapping.
        path: The file name used in error messages.
        columns: Include the column in messages (``file:line:column:``).
    """

    def __init__(self, data: Any, path: str, *, columns: bool = False,
                 where: str = "document") -> None:
        self.path = path
        self.columns = columns
        if not isinstance(data, dict):
            mark = getattr(data, "mark", (1, 1))
            raise self.error(mark, f"{where} must be a mapping, got {_kind(data)}")
        self.data: dict[str, Any] = data

    def error(self, mark: Mark, problem: str) -> SourceError:
        return SourceError(self.path, mark[0], mark[1] if self.columns else None, problem)

    @property
    def mark(self) -> Mark:
        return self.data.mark if isinstance(self.data, MarkedDict) else (1, 1)

    def mark_of(self, key: str) -> Mark:
        if isinstance(self.data, MarkedDict):
            return self.data.mark_of(key)
        return (1, 1)

    def value_mark(self, key: str) -> Mark:
        value = self.data.get(key)
        return getattr(value, "mark", None) or self.mark_of(key)

    def only(self, *allowed: str) -> None:
        """Refuse keys outside ``allowed``, suggesting the closest known one."""
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else (
                    f" (known keys: {', '.join(allowed)})")
                raise self.error(self.mark_of(key), f"unknown key {key!r}{hint}")

    def require(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise self.error(self.mark, f"missing required key {key!r}")
        return self.data[key]

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        if key not in self.data or self.data[key] is None:
            if required or default is None:
                raise self.error(self.mark, f"missing required key {key!r}")
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(self.mark_of(key), f"{key!r} must be a string, got {_kind(value)}")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.data.get(key) is not None else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(self.mark_of(key), f"{key!r} must be true or false")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(self.mark_of(key), f"{key!r} must be a whole number")
        return value

    def mapping(self, key: str, *, required: bool = False) -> Reader | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(self.mark, f"missing required key {key!r}")
            return None
        if not isinstance(value, dict):
            raise self.error(self.mark_of(key), f"{key!r} must be a mapping, got {_kind(value)}")
        return Reader(value, self.path, columns=self.columns, where=key)

    def items(self, key: str, *, required: bool = False) -> list[tuple[Mark, Any]]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(self.mark, f"missing required key {key!r}")
            return []
        if not isinstance(value, list):
            raise self.error(self.mark_of(key), f"{key!r} must be a list, got {_kind(value)}")
        marks = value.item_marks if isinstance(value, MarkedList) else []
        return [(marks[i] if i < len(marks) else self.mark_of(key), item)
                for i, item in enumerate(value)]

    def readers(self, key: str, *, required: bool = False) -> list[Reader]:
        return [Reader(item, self.path, columns=self.columns, where=f"each item of {key!r}")
                if isinstance(item, dict) else _raise(self.error(mark, (
                    f"each item of {key!r} must be a mapping, got {_kind(item)}")))
                for mark, item in self.items(key, required=required)]


def _raise(error: SourceError) -> Reader:
    raise error


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"),
                       (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def plain(value: Any) -> Any:
    """Strip the marks: plain dicts and lists, safe to store and export."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
