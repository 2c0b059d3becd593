"""Located checks of scenario values: every problem is ``file:line:column: what (hint)``.

:class:`Checks` knows the file and, once :meth:`Checks.know` is called, the contacts and
templates of the scenario's world; step and expectation classes call it while the loader
reads a file, before anything runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from wasim.errors import GraphError
from wasim.templates.review_rules import load_rules
from wasim.world.source import Mark, MarkedDict, SourceError, plain
from wasim.world.state import World, WorldSettings

PHONE = re.compile(r"^\+?\d{5,15}$")


def kind(value: Any) -> str:
    """``a mapping``, ``a list``, ``a string``...: a value's kind, for messages."""
    if value is None:
        return "nothing"
    for type_, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"),
                        (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(value, type_):
            return name
    return type(value).__name__


def close(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (for "did you mean"), if one is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def is_reference(value: Any) -> bool:
    """Whether ``value`` holds a ``${...}`` reference (checked once resolved, at run time)."""
    return isinstance(value, str) and "${" in value


def is_count(value: Any) -> bool:
    """A whole number >= 0 (not true/false)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def mark_of(data: Any, key: str | None = None) -> Mark:
    """Where ``data`` (or its ``key``) sits in its file."""
    if key is not None and isinstance(data, MarkedDict):
        return data.mark_of(key)
    return getattr(data, "mark", (1, 1))


class Checks:
    """Raises located errors for one file; knows the world once :meth:`know` is called."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.templates: set[str] = set()
        self.contacts: dict[str, str] = {}

    def know(self, world: World) -> None:
        """The contacts and templates steps may name."""
        accounts = world.accounts.values()
        self.templates = {t.name for a in accounts for t in a.templates.values()}
        self.contacts = {c.alias or c.wa_id: c.wa_id for a in accounts
                         for c in a.contacts.values()}
        self.contacts.update({c.wa_id: c.wa_id for a in accounts for c in a.contacts.values()})

    def error(self, mark: Mark, problem: str, hint: str | None = None) -> SourceError:
        return SourceError(self.path, mark[0], mark[1],
                           f"{problem} ({hint})" if hint else problem)

    def only(self, data: dict[str, Any], allowed: Iterable[str], where: str) -> None:
        """Refuse keys of ``data`` outside ``allowed``."""
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                near = close(key, allowed)
                hint = f"did you mean {near!r}?" if near else (
                    f"{where} keys: {', '.join(allowed)}")
                raise self.error(mark_of(data, key), f"unknown key {key!r} in {where}", hint)

    def contact(self, who: Any, mark: Mark) -> None:
        if not is_scalar(who):
            raise self.error(mark, f"a customer must be a name or a phone number, "
                                   f"got {kind(who)}", "e.g. ana or 16505551234")
        text = str(who)
        if "${" in text or text in self.contacts or PHONE.match(text):
            return
        names = [k for k in self.contacts if not k.isdigit()]
        near = close(text, names)
        hint = f"did you mean {near!r}?" if near else (
            "known contacts: " + ", ".join(names) + "; or write a phone number")
        raise self.error(mark, f"unknown contact {text!r}", hint)

    def template(self, name: Any, mark: Mark) -> None:
        text = str(name)
        if "${" in text or text in self.templates:
            return
        near = close(text, self.templates)
        hint = f"did you mean {near!r}?" if near else (
            "create it first with create_template, or add it to the world")
        raise self.error(mark, f"unknown template {text!r}", hint)

    def settings(self, target: WorldSettings, settings: dict[str, Any]) -> None:
        """Apply ``settings`` to ``target``, each checked as the control API checks it."""
        for key, value in settings.items():
            try:
                target.update({key: plain(value)})
            except GraphError as exc:
                known = list(WorldSettings().to_dict())
                near = close(key, known)
                hint = f"did you mean {near!r}?" if near and key not in known else None
                problem = exc.details.split(";")[0] if hint else exc.details
                raise self.error(mark_of(settings, key), problem, hint) from None
            if key == "review_rules" and isinstance(value, str):
                try:
                    load_rules(Path(value))
                except SourceError as exc:
                    raise self.error(mark_of(settings, key), f"review rules: {exc}") from None

    def whole(self, value: Any, mark: Mark, what: str, low: int, high: int) -> None:
        """A whole number from ``low`` to ``high`` (or a reference)."""
        if is_reference(value):
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(mark, f"{what} must be a whole number from {low} to {high}, "
                                   f"got {value!r}")
