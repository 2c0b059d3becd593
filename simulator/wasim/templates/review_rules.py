"""Load a review rule file (YAML) into a :class:`~wasim.rules.review.RuleSet`.

The packaged file is ``simulator/wasim/data/review_rules.yaml``; a world replaces it with the
``review_rules`` setting. Every problem is reported as ``file:line: what is wrong``.
"""

from __future__ import annotations

import functools
import re
import stat
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from wasim.rules.categories import ERAS
from wasim.rules.review import CONDITIONS, OUTCOMES, REASONS, Rule, RuleSet
from wasim.world.source import Reader, SourceError, load_file, loads, plain

PACKAGED = "review_rules.yaml"
_CATEGORIES = {c for names in ERAS.values() for c in names}


def packaged_text() -> str:
    return resources.files("wasim.data").joinpath(PACKAGED).read_text("utf-8")


MAX_RULES_BYTES = 1024 * 1024
"""The largest review rule file read (the packaged one is about 10 KB)."""


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rules in ``path``, or the packaged rules when ``path`` is ``None``.

    Only a regular file of at most :data:`MAX_RULES_BYTES` is read: a device (``/dev/zero``),
    a FIFO or a folder is refused before it is opened.
    """
    if path is None:
        return _packaged_rules()
    name = str(path)
    try:
        info = Path(path).stat()
    except OSError as exc:
        raise SourceError(name, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(name, 1, 1, "not a regular file")
    if info.st_size > MAX_RULES_BYTES:
        raise SourceError(name, 1, 1, f"file too large (over {MAX_RULES_BYTES // 1024} KB)")
    return parse_rules(load_file(path), name)


@functools.cache
def _packaged_rules() -> RuleSet:
    """The packaged rules, parsed once per process: a read-only constant (a fresh
    simulator per test would otherwise spend ~15 ms parsing the same YAML)."""
    name = f"<packaged {PACKAGED}>"
    return parse_rules(loads(packaged_text(), name), name)


def parse_rules(data: Any, path: str) -> RuleSet:
    """Build a rule set from loaded YAML, refusing anything malformed."""
    top = Reader(data, path, where="a review rule file")
    top.only("description", "vocabulary", "rules")
    vocabulary: dict[str, tuple[re.Pattern[str], ...]] = {}
    words = top.mapping("vocabulary")
    if words is not None:
        for name in words.data:
            vocabulary[name] = tuple(_pattern(words, mark, item)
                                     for mark, item in words.items(name, required=True))
    rules = tuple(_rule(reader, vocabulary) for reader in top.readers("rules", required=True))
    seen: set[str] = set()
    for reader, rule in zip(top.readers("rules"), rules, strict=True):
        if rule.id in seen:
            raise reader.error(reader.mark_of("id"), f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return RuleSet(rules, vocabulary, path)


def _pattern(reader: Reader, mark: tuple[int, int], text: Any) -> re.Pattern[str]:
    if not isinstance(text, str):
        raise reader.error(mark, "each vocabulary item must be a regular expression string")
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise reader.error(mark, f"bad regular expression {text!r}: {exc}") from None


def _rule(reader: Reader, vocabulary: dict[str, Any]) -> Rule:
    reader.only("id", "when", "status", "reason", "category", "explain")
    status = reader.text("status", required=True).upper()
    if status not in OUTCOMES:
        raise reader.error(reader.mark_of("status"), f"status must be one of {OUTCOMES}")
    reason = reader.text("reason", "NONE").upper()
    if reason not in REASONS:
        raise reader.error(reader.mark_of("reason"),
                           f"unknown reason {reason!r} (known: {', '.join(REASONS)})")
    category = reader.optional_text("category")
    if category is not None and category.upper() not in _CATEGORIES:
        raise reader.error(reader.mark_of("category"), f"unknown category {category!r}")
    when = reader.mapping("when")
    conditions = _conditions(when, vocabulary) if when is not None else {}
    return Rule(reader.text("id", required=True), conditions, status, reason,
                category.upper() if category else None, reader.text("explain", ""))


def _conditions(reader: Reader, vocabulary: dict[str, Any]) -> dict[str, Any]:
    reader.only(*CONDITIONS)
    out: dict[str, Any] = {}
    for key, raw in reader.data.items():
        value = plain(raw)
        mark = reader.mark_of(key)
        if key in ("category", "not_category", "era"):
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise reader.error(mark, f"{key!r} takes a list of names")
            value = [v.upper() if key != "era" else v for v in value]
        elif key in ("rules_before", "rules_from"):
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                raise reader.error(mark, f"{key!r} takes a date such as 2025-04-09") from None
        elif key in ("matches", "not_matches"):
            names = [value] if isinstance(value, str) else value
            missing = [n for n in names if n not in vocabulary]
            if missing:
                raise reader.error(mark, f"unknown vocabulary {missing[0]!r}")
        elif key == "long_params":
            if isinstance(value, bool) or not isinstance(value, int):
                raise reader.error(mark, "'long_params' takes a number of characters")
        elif key == "missing_button":
            value = str(value).upper()
        elif not isinstance(value, bool):
            raise reader.error(mark, f"{key!r} takes true or false")
        out[key] = value
    return out
