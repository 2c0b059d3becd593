"""The step registry: one class per step action and one per expectation key.

A subclass of :class:`Action` registers itself under its ``name`` (in :data:`ACTIONS`), a
subclass of :class:`Expectation` under its ``key`` (in :data:`EXPECTATIONS`). Each holds
everything about itself: its keys and their JSON Schema fragments, the checks the loader
runs before anything starts, what it does when run and, for expectations, how the result
is compared. The loader, the runner and the shipped JSON Schema are loops over these two
registries (importing :mod:`wasim.scenario.steps` fills them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from wasim.clock import in_range, parse_duration, parse_instant
from wasim.errors import GraphError
from wasim.scenario.checking import Checks, is_reference, is_scalar, kind, mark_of
from wasim.scenario.inline import Reply
from wasim.world.source import Mark, MarkedDict
from wasim.world.state import WorldSettings

ACTIONS: dict[str, Action] = {}
"""Step actions by name, in registration order."""
EXPECTATIONS: dict[str, Expectation] = {}
"""Expectation checks by key, in registration order."""

API_VERSION = "v23.0"

SCALAR: dict[str, Any] = {"type": ["string", "number"]}
DURATION: dict[str, Any] = {"type": ["string", "number"],
                            "description": "seconds, or units ms s m h d w: 25h, 1d2h30m"}
INSTANT: dict[str, Any] = {"type": "string", "description": "ISO-8601, e.g. 2026-01-05T09:00:00Z"}
TEXT: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
ANY: dict[str, Any] = {}
REFERENCE: dict[str, Any] = {"type": "string", "pattern": r"^\s*\$\{[^}]+\}\s*$",
                             "description": "a ${variable} standing for the value"}


def or_reference(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or a ``${...}`` reference where a string would not already do."""
    type_ = schema.get("type")
    if type_ == "string" or (isinstance(type_, list) and "string" in type_) or not schema:
        return schema
    return {"anyOf": [schema, REFERENCE]}


@dataclass(slots=True)
class Outcome:
    """What an action left behind for its expectations."""

    response: Reply | None = None
    message_id: str | None = None
    who: str | None = None
    template: str | None = None
    language: str | None = None
    saved: Any = None


class StepFailure(Exception):
    """A step whose expectation did not hold (``expected`` vs ``happened``)."""

    def __init__(self, expected: str, happened: str, line: int = 0) -> None:
        super().__init__(happened)
        self.expected = expected
        self.happened = happened
        self.line = line


class Session(Protocol):
    """What a step sees of the run it is part of (``wasim.scenario.runner``)."""

    sim: Any
    app_url: str | None
    phone_id: str
    waba_id: str
    receiver: Any
    engine: Any
    claimed: set[str]

    def call(self, method: str, path: str, body: Any = None,
             query: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> Reply: ...

    def control(self, method: str, path: str, body: Any = None) -> Reply: ...

    def wa_id(self, who: Any) -> str: ...

    def record(self, message_id: str | None) -> dict[str, Any] | None: ...

    def flush(self) -> None: ...

    def app_trouble(self) -> str: ...


def error_of(response: Reply) -> dict[str, Any]:
    """The ``error`` object of a Graph answer (``{}`` when there is none)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def describe_response(response: Reply) -> str:
    """``HTTP 400 with error 131047 message: details``."""
    error = error_of(response)
    if error:
        details = (error.get("error_data") or {}).get("details") or ""
        return (f"HTTP {response.status_code} with error {error.get('code')} "
                f"{error.get('message', '')}" + (f": {details}" if details else ""))
    return f"HTTP {response.status_code}"


def describe_error(error: GraphError) -> str:
    """A refusal of a facade verb, worded as :func:`describe_response` words its answer."""
    return (f"HTTP {error.http_status} with error {error.code} {error.message}"
            + (f": {error.details}" if error.details else ""))


def plain_json(value: Any) -> Any:
    """``value`` as its JSON answer would read (tuples as lists, keys as text)."""
    return json.loads(json.dumps(value, default=str))


class Action:
    """One step action; subclasses with a ``name`` register themselves.

    Class attributes:
        name: The step key.
        shape: ``mapping``, ``text`` (a scalar), ``text_or_mapping``, ``duration``,
            ``instant`` or ``flag``.
        fields: The keys of its mapping form and each key's JSON Schema fragment.
        required: Keys its mapping form needs.
        one_of: Groups of keys of which exactly one must be given.
        text_key: The key a scalar value stands for (``approve: name`` is
            ``approve: {template: name}``).
        summary: One line for the docs and the schema.
        example: A short example, the hint of a wrongly typed value.
        contact_keys: Keys naming a customer (checked against the world).
        has_customer: Its outcome names a customer (``expect: {window: open}`` works).
        names_template: Its outcome names a template (``expect: {template: {...}}``).
    """

    name: ClassVar[str] = ""
    shape: ClassVar[str] = "mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    one_of: ClassVar[tuple[tuple[str, ...], ...]] = ()
    text_key: ClassVar[str | None] = None
    summary: ClassVar[str] = ""
    example: ClassVar[str] = ""
    contact_keys: ClassVar[tuple[str, ...]] = ("to", "who")
    has_customer: ClassVar[bool] = False
    names_template: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            ACTIONS[cls.name] = cls()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.fields)

    # --- the JSON Schema ----------------------------------------------------------

    def mapping_schema(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {"type": "object"}
        if self.fields:
            mapping["properties"] = {k: or_reference(v) for k, v in self.fields.items()}
            mapping["additionalProperties"] = False
        return mapping

    def schema(self) -> dict[str, Any]:
        """This step's JSON Schema fragment (``$defs/<name>``)."""
        described = {"description": self.summary}
        if self.shape == "duration":
            return {**DURATION, **described}
        if self.shape == "instant":
            return {**INSTANT, **described}
        if self.shape == "flag":
            return {"const": True, **described}
        if self.shape == "text":
            return {**SCALAR, **described}
        mapping = self.mapping_schema()
        if self.required:
            mapping["required"] = list(self.required)
        if self.shape == "text_or_mapping":
            return {"anyOf": [SCALAR, mapping], **described}
        return {**mapping, **described}

    # --- checks before running ----------------------------------------------------

    def read(self, value: Any, where: Mark, checks: Checks) -> Any:
        """The step's value, checked (a located error otherwise); mappings normalised."""
        if self.shape == "text_or_mapping" and is_scalar(value):
            assert self.text_key is not None
            mapping = MarkedDict({self.text_key: value})
            mapping.mark = where
            mapping.key_marks = {self.text_key: where}
            value = mapping
        if not isinstance(value, dict):
            hint = f"e.g. {self.example}" if self.example else (
                f"keys: {', '.join(self.keys)}" if self.keys else None)
            raise checks.error(where, f"{self.name!r} needs a mapping, got {kind(value)}", hint)
        if self.fields:
            checks.only(value, self.keys, self.name)
        for key in self.required:
            if value.get(key) is None:
                raise checks.error(mark_of(value), f"{self.name!r} is missing {key!r}",
                                   f"add '{key}:'")
        for group in self.one_of:
            given = [k for k in group if k in value]
            if len(given) != 1:
                problem = (f"{self.name!r} needs one of {', '.join(group)}" if not given else
                           f"{self.name!r} has both {given[0]!r} and {given[1]!r}")
                raise checks.error(mark_of(value), problem, "give exactly one")
        for key in self.contact_keys:
            if key in value:
                checks.contact(value[key], mark_of(value, key))
        self.check(value, checks)
        return value

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        """The step's own checks of its (mapping) value, beyond keys and types."""

    # --- running ------------------------------------------------------------------

    def run(self, session: Session, args: Any) -> Outcome:
        """Do the step; what it left behind goes to the expectations."""
        raise NotImplementedError

    def after(self, session: Session, expect: dict[str, Any], outcome: Outcome) -> None:
        """A last check once the expectations held (default: none)."""


MATCHER: dict[str, Any] = {"type": "object"}
"""A matcher mapping (the actual value has at least its keys, matching)."""
Problem = tuple[str] | tuple[str, str] | None
"""Why a value cannot be expected: ``(problem,)`` or ``(problem, hint)``."""


class Expectation:
    """One key of ``expect:``; subclasses with a ``key`` register themselves.

    Class attributes:
        key: The key under ``expect:``.
        fragment: Its JSON Schema.
    """

    key: ClassVar[str] = ""
    fragment: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("key"):
            EXPECTATIONS[cls.key] = cls()

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        """Why ``value`` cannot be expected after the step ``action`` (``None``: it can)."""
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        """Raise :class:`StepFailure` when ``value`` did not happen."""
        raise NotImplementedError


class MappingExpectation(Expectation):
    """An expectation whose value is a matcher mapping."""

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if not isinstance(value, dict):
            return (f"{self.key!r} must be a mapping, got {kind(value)}",)
        return None


def settings_schema() -> dict[str, Any]:
    """The world settings, typed from :class:`~wasim.world.state.WorldSettings`."""
    kinds = {"bool": ["boolean"], "int": ["integer"], "float": ["number"], "str": ["string"],
             "None": ["null"]}
    properties: dict[str, Any] = {}
    for item in fields(WorldSettings):
        names = [part.strip() for part in str(item.type).split("|")]
        types = [t for part in names for t in kinds.get(part, [])]
        properties[item.name] = {"type": types} if types else {}
    return {"type": "object", "properties": properties, "additionalProperties": False}



class FlagAction(Action):
    """A step without a value (``clear_faults: true``)."""

    shape = "flag"

    def read(self, value: Any, where: Mark, checks: Checks) -> Any:
        if value is not True and value is not None:
            raise checks.error(where, f"{self.name!r} takes no value",
                               f"write '{self.name}: true'")
        return True


class TextAction(Action):
    """A step whose value is one scalar (``opt_out: ana``).

    Class attributes:
        is_contact: The value names a customer (checked against the world).
    """

    shape = "text"
    is_contact: ClassVar[bool] = False

    def read(self, value: Any, where: Mark, checks: Checks) -> Any:
        if not is_scalar(value):
            raise checks.error(where, f"{self.name!r} needs a single value, got {kind(value)}")
        if self.is_contact:
            checks.contact(str(value), where)
        return str(value)


class InstantAction(Action):
    """A step whose value is an ISO-8601 instant."""

    shape = "instant"

    def read(self, value: Any, where: Mark, checks: Checks) -> Any:
        if is_reference(value):
            return value
        try:
            instant = parse_instant(str(value))
        except GraphError:
            raise checks.error(where, f"not an instant: {value!r}",
                               "use ISO-8601, e.g. 2026-01-06T09:00:00Z") from None
        try:
            in_range(instant)
        except GraphError as exc:
            raise checks.error(where, exc.details) from None
        return str(value)


class DurationAction(Action):
    """A step whose value is a duration (``25h``, ``1d2h``, ``90s``).

    Class attributes:
        longest: The longest duration it takes.
        longest_hint: What to write instead of a longer one.
    """

    shape = "duration"
    longest: ClassVar[timedelta] = timedelta(days=3660)
    longest_hint: ClassVar[str] = ""

    def read(self, value: Any, where: Mark, checks: Checks) -> Any:
        if is_reference(value):
            return value
        duration(value, where, checks, self.name, self.longest, self.longest_hint)
        return value


def duration(value: Any, where: Mark, checks: Checks, name: str, longest: timedelta,
             hint: str = "") -> timedelta:
    """``value`` read as a duration from 0 to ``longest``, or a located error."""
    if isinstance(value, bool) or not is_scalar(value):
        raise checks.error(where, f"{name!r} needs a duration, got {kind(value)}",
                           "e.g. 25h, 1d2h, 90s")
    try:
        parsed = parse_duration(value)
    except GraphError:
        raise checks.error(where, f"not a duration: {value!r}",
                           "use units ms, s, m, h, d, w, e.g. 25h or 1d2h30m") from None
    if parsed < timedelta(0):
        raise checks.error(where, f"{name!r} cannot go back in time, got {value!r}",
                           "give a duration of 0 or more")
    if parsed > longest:
        raise checks.error(where, f"{name!r} is at most {_span(longest)}, got {value!r}",
                           hint or None)
    return parsed


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"
