"""Read scenario files into :class:`~wasim.scenario.model.Scenario` objects.

Everything that can be known before running is checked here, and every problem is a
:class:`~wasim.world.source.SourceError` reading ``file:line:column: what is wrong (hint)``:
bad YAML, unknown keys and steps, wrong types, missing fields, bad durations and
instants, unknown settings, contacts, templates and variables. YAML is read with the safe
loader of :mod:`wasim.world.source` only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from wasim.clock import parse_duration, parse_instant
from wasim.errors import GraphError
from wasim.scenario.matching import bad_pattern
from wasim.scenario.model import Scenario, Step
from wasim.scenario.steps import (
    ACTIONS,
    ERROR_CHANNELS,
    EXPECT,
    EXPECT_KEYS,
    STATUSES,
    STEP_KEYS,
    WINDOW_STATES,
    Action,
)
from wasim.scenario.variables import references
from wasim.world.seed import default_world_text, parse_world
from wasim.world.source import Mark, MarkedDict, MarkedList, SourceError, load_file, loads, plain
from wasim.world.state import World, WorldSettings

DEFAULT_START = "2026-01-05T09:00:00Z"
TOP_KEYS = ("name", "description", "start", "seed", "world", "settings", "vars", "steps",
            "scenarios")
SCENARIO_KEYS = ("name", "description", "start", "seed", "world", "settings", "vars",
                 "steps")
WORLD_KEYS = ("accounts", "contacts", "templates", "settings", "app_secret",
              "verify_token", "webhook_url", "tokens")
BUILTINS = ("phone_id", "waba_id", "token", "start", "contacts")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PHONE = re.compile(r"^\+?\d{5,15}$")


class Worlds:
    """Parsed worlds shared by the files of one run (the default world is parsed once)."""

    def __init__(self) -> None:
        self.default: World | None = None

    def default_world(self) -> World:
        if self.default is None:
            self.default = parse_world(loads(default_world_text(), "<default world>"),
                                       "<default world>")
        return self.default.copy()


def load_path(path: str | Path, worlds: Worlds | None = None) -> list[Scenario]:
    """The scenarios of one file (pass one ``Worlds`` to share parsing across files)."""
    return parse(load_file(path), str(path), worlds)


def load_text(text: str, path: str = "<string>",
              worlds: Worlds | None = None) -> list[Scenario]:
    """The scenarios of YAML text (``path`` names it in messages)."""
    return parse(loads(text, path), path, worlds)


def parse(data: Any, path: str, worlds: Worlds | None = None) -> list[Scenario]:
    """Scenarios from a loaded document (one scenario, or ``scenarios:`` sharing a world)."""
    file = _File(path, worlds or Worlds())
    if not isinstance(data, dict):
        raise file.error(getattr(data, "mark", (1, 1)),
                         f"a scenario file must be a mapping, got {_kind(data)}",
                         "start with 'name:' and 'steps:'")
    file.only(data, TOP_KEYS, "scenario file")
    if "scenarios" in data:
        if "steps" in data:
            raise file.error(_mark(data, "steps"),
                             "'steps' and 'scenarios' cannot both be at the top",
                             "put the steps inside each item of 'scenarios'")
        items = file.list_of(data, "scenarios", required=True)
        if not items:
            raise file.error(_mark(data, "scenarios"), "'scenarios' is empty",
                             "list at least one scenario")
        shared = {k: v for k, v in data.items() if k not in ("scenarios", "name")}
        found = []
        names: set[str] = set()
        for mark, item in items:
            if not isinstance(item, dict):
                raise file.error(mark, f"each scenario must be a mapping, got {_kind(item)}",
                                 "give it 'name:' and 'steps:'")
            file.only(item, SCENARIO_KEYS, "scenario")
            scenario = file.scenario(item, shared)
            if scenario.name in names:
                raise file.error(_mark(item, "name"), f"duplicate scenario name {scenario.name!r}",
                                 "scenario names must be unique in a file")
            names.add(scenario.name)
            found.append(scenario)
        return found
    return [file.scenario(data, {})]


def _mark(data: Any, key: str | None = None) -> Mark:
    if key is not None and isinstance(data, MarkedDict):
        return data.mark_of(key)
    return getattr(data, "mark", (1, 1))


def _value_mark(data: Any, key: str) -> Mark:
    value = data.get(key) if isinstance(data, dict) else None
    return getattr(value, "mark", None) or _mark(data, key)


def _reference_mark(data: Any, key: str, whole: str) -> Mark:
    """Where the text holding ``whole`` sits: the innermost key whose value has it."""
    value = data[key]
    if isinstance(value, dict):
        for inner in value:
            if whole in str(value[inner]) or whole in str(inner):
                return _reference_mark(value, inner, whole)
    if isinstance(value, list):
        marks = getattr(value, "item_marks", [])
        for index, item in enumerate(value):
            if whole in str(item):
                if isinstance(item, dict | list):
                    holder = {"item": item}
                    return _reference_mark(holder, "item", whole) if isinstance(
                        item, list) else _reference_mark_in(item, whole)
                return marks[index] if index < len(marks) else _value_mark(data, key)
    return _mark(data, key)


def _reference_mark_in(data: dict[str, Any], whole: str) -> Mark:
    for inner in data:
        if whole in str(data[inner]) or whole in str(inner):
            return _reference_mark(data, inner, whole)
    return _mark(data)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"),
                       (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _close(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


class _File:
    """Parses the scenarios of one file, raising located errors."""

    def __init__(self, path: str, worlds: Worlds) -> None:
        self.path = path
        self.worlds = worlds

    def error(self, mark: Mark, problem: str, hint: str | None = None) -> SourceError:
        return SourceError(self.path, mark[0], mark[1],
                           f"{problem} ({hint})" if hint else problem)

    def only(self, data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                close = _close(key, allowed)
                hint = f"did you mean {close!r}?" if close else (
                    f"{where} keys: {', '.join(allowed)}")
                raise self.error(_mark(data, key), f"unknown key {key!r} in {where}", hint)

    def list_of(self, data: dict[str, Any], key: str, *,
                required: bool = False) -> list[tuple[Mark, Any]]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(_mark(data), f"missing required key {key!r}",
                                 "add it" if key != "steps" else "a scenario needs 'steps:'")
            return []
        if not isinstance(value, list):
            raise self.error(_mark(data, key), f"{key!r} must be a list, got {_kind(value)}",
                             f"write each item of {key!r} on a line starting with '- '")
        marks = value.item_marks if isinstance(value, MarkedList) else []
        return [(marks[i] if i < len(marks) else _mark(data, key), item)
                for i, item in enumerate(value)]

    # --- one scenario --------------------------------------------------------------

    def scenario(self, data: dict[str, Any], shared: dict[str, Any]) -> Scenario:
        merged = MarkedDict()
        merged.mark = _mark(data)
        merged.key_marks = {}
        for source in (shared, data):
            for key, value in source.items():
                merged[key] = value
                merged.key_marks[key] = _mark(source, key)
        name = merged.get("name")
        if name is None:
            raise self.error(_mark(data), "missing required key 'name'",
                             "name the scenario, e.g. name: The window closes after 24 hours")
        if not isinstance(name, str):
            raise self.error(_mark(merged, "name"), f"'name' must be a string, got {_kind(name)}")
        description = merged.get("description") or ""
        if not isinstance(description, str):
            raise self.error(_mark(merged, "description"), "'description' must be a string")
        start = merged.get("start", DEFAULT_START)
        try:
            start_text = parse_instant(str(start)).isoformat().replace("+00:00", "Z")
        except GraphError:
            raise self.error(_mark(merged, "start"), f"'start' is not an instant: {start!r}",
                             "use ISO-8601, e.g. 2026-01-05T09:00:00Z") from None
        seed = merged.get("seed")
        if seed is not None and not _is_scalar(seed):
            raise self.error(_mark(merged, "seed"), "'seed' must be a number or a string")
        world = self.world(merged)
        variables = self.variables(merged)
        steps = self.steps(merged, world, variables)
        return Scenario(name=name, path=self.path, line=_mark(data)[0], world=world,
                        start=start_text, seed=seed, variables=variables, steps=steps,
                        description=description)

    def world(self, data: dict[str, Any]) -> World:
        spec = data.get("world", "default")
        if spec is None or spec == "default":
            world = self.worlds.default_world()
        elif isinstance(spec, str):
            target = Path(self.path).parent / spec
            if not target.is_file():
                raise self.error(_mark(data, "world"), f"world file {spec!r} not found",
                                 "write 'default' or a path relative to this scenario file")
            world = parse_world(load_file(target), str(target), columns=True)
        elif isinstance(spec, dict):
            world = self.inline_world(spec)
        else:
            raise self.error(_mark(data, "world"),
                             f"'world' must be 'default', a file or a mapping, got {_kind(spec)}")
        settings = data.get("settings")
        if settings is not None:
            if not isinstance(settings, dict):
                raise self.error(_mark(data, "settings"), "'settings' must be a mapping")
            self.apply_settings(world.settings, settings)
        return world

    def apply_settings(self, target: WorldSettings, settings: dict[str, Any]) -> None:
        for key, value in settings.items():
            try:
                target.update({key: plain(value)})
            except GraphError as exc:
                known = [f for f in WorldSettings().to_dict()]
                close = _close(key, known)
                hint = f"did you mean {close!r}?" if close and key not in known else None
                problem = exc.details.split(";")[0] if hint else exc.details
                raise self.error(_mark(settings, key), problem, hint) from None

    def inline_world(self, spec: dict[str, Any]) -> World:
        self.only(spec, WORLD_KEYS, "world")
        base = loads(default_world_text(), self.path)
        assert isinstance(base, MarkedDict)
        if "accounts" in spec:
            for key, value in spec.items():
                base[key] = value
                base.key_marks[key] = _mark(spec, key)
        else:
            for key in ("settings", "app_secret", "verify_token", "webhook_url", "tokens"):
                if key in spec:
                    base[key] = spec[key]
                    base.key_marks[key] = _mark(spec, key)
            account = base["accounts"][0]
            for key in ("contacts", "templates"):
                if key not in spec:
                    continue
                added = self.list_of(spec, key)
                kept = [(m, item) for m, item in zip(account[key].item_marks, account[key],
                                                     strict=True)
                        if not self._replaced(item, [i for _, i in added], key)]
                merged = MarkedList(item for _, item in kept + added)
                merged.mark = _mark(spec, key)
                merged.item_marks = [m for m, _ in kept + added]
                account[key] = merged
        return parse_world(base, self.path, columns=True)

    @staticmethod
    def _replaced(item: Any, added: list[Any], key: str) -> bool:
        fields = ("name", "language") if key == "templates" else ("wa_id",)
        return any(isinstance(new, dict)
                   and all(str(new.get(f)) == str(item.get(f)) for f in fields)
                   for new in added)

    def variables(self, data: dict[str, Any]) -> dict[str, Any]:
        raw = data.get("vars")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.error(_mark(data, "vars"), f"'vars' must be a mapping, got {_kind(raw)}")
        for key in raw:
            if not _NAME.match(key) or key in BUILTINS:
                raise self.error(_mark(raw, key), f"bad variable name {key!r}",
                                 "letters, digits and _; not " + ", ".join(BUILTINS))
        return plain(raw)  # type: ignore[no-any-return]

    # --- steps ---------------------------------------------------------------------

    def steps(self, data: dict[str, Any], world: World,
              variables: dict[str, Any]) -> list[Step]:
        items = self.list_of(data, "steps", required=True)
        if not items:
            raise self.error(_mark(data, "steps"), "'steps' is empty",
                             "a scenario needs at least one step")
        known = set(variables) | set(BUILTINS)
        templates = {t.name for a in world.accounts.values() for t in a.templates.values()}
        contacts = {c.alias or c.wa_id: c.wa_id for a in world.accounts.values()
                    for c in a.contacts.values()}
        contacts.update({c.wa_id: c.wa_id for a in world.accounts.values()
                         for c in a.contacts.values()})
        checks = _Checks(self, templates, contacts)
        steps = []
        for index, (mark, item) in enumerate(items, start=1):
            step = self.step(index, mark, item, checks)
            self.check_references(item, known)
            if step.save_as is not None:
                known.add(step.save_as)
            if step.action == "create_template":
                templates.add(str(step.args.get("name")))
            steps.append(step)
        return steps

    def check_references(self, item: dict[str, Any], known: set[str]) -> None:
        for key, value in item.items():
            for name, whole in references(value):
                if name not in known:
                    close = _close(name, known)
                    hint = (f"did you mean {close!r}?" if close else
                            "define it under 'vars:' or save a step's result with 'as:'")
                    raise self.error(_reference_mark(item, key, whole),
                                     f"unknown variable {name!r} in {whole}", hint)

    def step(self, index: int, mark: Mark, item: Any, checks: _Checks) -> Step:
        if not isinstance(item, dict):
            raise self.error(mark, f"step {index} must be a mapping, got {_kind(item)}",
                             "e.g. - send: {to: ana, text: hi}")
        actions = [k for k in item if k in ACTIONS]
        for key in item:
            if key not in ACTIONS and key not in STEP_KEYS:
                close = _close(key, [*ACTIONS, *STEP_KEYS])
                hint = f"did you mean {close!r}?" if close else (
                    "steps: " + ", ".join(ACTIONS))
                raise self.error(_mark(item, key), f"unknown step {key!r}", hint)
        if len(actions) > 1:
            raise self.error(_mark(item, actions[1]),
                             f"step {index} has two actions, {actions[0]!r} and {actions[1]!r}",
                             "one action per step; split it in two")
        save_as = item.get("as")
        if save_as is not None and (not isinstance(save_as, str) or not _NAME.match(save_as)
                                    or save_as in BUILTINS):
            raise self.error(_mark(item, "as"), f"bad variable name {save_as!r} in 'as'",
                             "letters, digits and _")
        label = item.get("name")
        if label is not None and not isinstance(label, str):
            raise self.error(_mark(item, "name"), "a step's 'name' must be a string")
        expect = item.get(EXPECT)
        if expect is not None and not isinstance(expect, dict):
            raise self.error(_mark(item, EXPECT),
                             f"'expect' must be a mapping, got {_kind(expect)}",
                             "e.g. expect: {status: delivered}")
        if not actions:
            if expect is None:
                raise self.error(mark, f"step {index} has no action",
                                 "steps: " + ", ".join(ACTIONS))
            action, args = EXPECT, expect
            if save_as is not None:
                raise self.error(_mark(item, "as"), "an 'expect' step has no result to save")
        else:
            action = actions[0]
            args = self.action(ACTIONS[action], item, checks)
        expect = expect or {}
        self.expectations(action, expect, checks)
        if action == "expect_sent" and expect:
            raise self.error(_mark(item, EXPECT), "'expect_sent' takes no 'expect'",
                                 "its own keys are the expectation")
        marks = {k: _mark(expect, k) for k in expect}
        line, column = mark
        return Step(index, action, plain(args), plain(expect), save_as, label, line, column,
                    marks)

    def action(self, spec: Action, item: dict[str, Any], checks: _Checks) -> Any:
        value = item[spec.name]
        where = _mark(item, spec.name)
        shape = spec.shape
        if shape == "flag":
            if value is not True and value is not None:
                raise self.error(where, f"{spec.name!r} takes no value",
                                 f"write '{spec.name}: true'")
            return True
        if shape in ("duration", "instant") and isinstance(value, str) and "${" in value:
            return value
        if shape == "duration":
            if isinstance(value, bool) or not _is_scalar(value):
                raise self.error(where, f"{spec.name!r} needs a duration, got {_kind(value)}",
                                 "e.g. 25h, 1d2h, 90s")
            try:
                parse_duration(value)
            except GraphError:
                raise self.error(where, f"not a duration: {value!r}",
                                 "use units ms, s, m, h, d, w, e.g. 25h or 1d2h30m") from None
            return value
        if shape == "instant":
            try:
                parse_instant(str(value))
            except GraphError:
                raise self.error(where, f"not an instant: {value!r}",
                                 "use ISO-8601, e.g. 2026-01-06T09:00:00Z") from None
            return str(value)
        if shape == "text":
            if not _is_scalar(value):
                raise self.error(where, f"{spec.name!r} needs a single value, got {_kind(value)}")
            if spec.name in ("opt_out", "opt_in"):
                checks.contact(str(value), where)
            return str(value)
        if shape == "text_or_mapping" and _is_scalar(value):
            assert spec.text_key is not None
            value = {spec.text_key: value}
            mapping = MarkedDict(value)
            mapping.mark = where
            mapping.key_marks = {spec.text_key: where}
            value = mapping
        if not isinstance(value, dict):
            hint = f"e.g. {spec.example}" if spec.example else (
                f"keys: {', '.join(spec.keys)}" if spec.keys else None)
            raise self.error(where, f"{spec.name!r} needs a mapping, got {_kind(value)}", hint)
        if spec.keys:
            self.only(value, spec.keys, spec.name)
        for key in spec.required:
            if value.get(key) is None:
                raise self.error(_mark(value), f"{spec.name!r} is missing {key!r}",
                                 f"add '{key}:'")
        for group in spec.one_of:
            given = [k for k in group if k in value]
            if len(given) != 1:
                problem = (f"{spec.name!r} needs one of {', '.join(group)}" if not given else
                           f"{spec.name!r} has both {given[0]!r} and {given[1]!r}")
                raise self.error(_mark(value), problem, "give exactly one")
        checks.action(spec.name, value)
        return value

    def expectations(self, action: str, expect: dict[str, Any], checks: _Checks) -> None:
        self.only(expect, EXPECT_KEYS, "expect")
        for key, value in expect.items():
            problem = checks.expectation(action, key, value)
            if problem is not None:
                raise self.error(_mark(expect, key), *problem)
            for _, text in _strings(value):
                bad = bad_pattern(text)
                if bad is not None:
                    raise self.error(_mark(expect, key), bad)


def _strings(value: Any) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield "", value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class _Checks:
    """The checks that need the world: contacts, templates, expectation values."""

    def __init__(self, file: _File, templates: set[str], contacts: dict[str, str]) -> None:
        self.file = file
        self.templates = templates
        self.contacts = contacts

    def contact(self, who: Any, mark: Mark) -> None:
        if not _is_scalar(who):
            raise self.file.error(mark, f"a customer must be a name or a phone number, "
                                        f"got {_kind(who)}", "e.g. ana or 16505551234")
        text = str(who)
        if "${" in text or text in self.contacts or _PHONE.match(text):
            return
        close = _close(text, [k for k in self.contacts if not k.isdigit()])
        hint = f"did you mean {close!r}?" if close else (
            "known contacts: " + ", ".join(k for k in self.contacts if not k.isdigit())
            + "; or write a phone number")
        raise self.file.error(mark, f"unknown contact {text!r}", hint)

    def template(self, name: Any, mark: Mark) -> None:
        text = str(name)
        if "${" in text or text in self.templates:
            return
        close = _close(text, self.templates)
        hint = f"did you mean {close!r}?" if close else (
            "create it first with create_template, or add it to the world")
        raise self.file.error(mark, f"unknown template {text!r}", hint)

    def action(self, name: str, value: dict[str, Any]) -> None:
        for key in ("to", "who") if name != "customer" else ("from",):
            if key in value:
                self.contact(value[key], _mark(value, key))
        if name == "send" and "template" in value:
            template = value["template"]
            if isinstance(template, dict):
                self.file.only(template, ("name", "language", "body", "header", "buttons",
                                          "components"), "template")
                if template.get("name") is None:
                    raise self.file.error(_mark(template), "'template' is missing 'name'",
                                          "add 'name:'")
                self.template(template["name"], _mark(template, "name"))
                for part in ("body", "header", "buttons", "components"):
                    value_ = template.get(part)
                    if value_ is not None and not isinstance(value_, list) and not (
                            isinstance(value_, str) and "${" in value_):
                        raise self.file.error(
                            _mark(template, part),
                            f"template {part!r} must be a list, got {_kind(value_)}",
                            f"e.g. {part}: [Ana, A-1001]" if part != "components" else None)
            elif _is_scalar(template):
                self.template(template, _mark(value, "template"))
            else:
                raise self.file.error(
                    _mark(value, "template"),
                    f"'template' must be a name or a mapping, got {_kind(template)}")
        if name in ("approve", "reject", "pause", "disable", "reinstate", "flag",
                    "change_category"):
            self.template(value["template"], _mark(value, "template"))
        if name == "settings":
            self.file.apply_settings(WorldSettings(), value)
        if name == "graph":
            method = str(value.get("method", "POST")).upper()
            if method not in ("GET", "POST", "DELETE", "PUT", "PATCH"):
                raise self.file.error(_mark(value, "method"), f"unknown HTTP method {method!r}",
                                      "GET, POST or DELETE")
        if name == "expect_sent" and "within" in value:
            within = value["within"]
            text = within.get("simulated") if isinstance(within, dict) else within
            if isinstance(within, dict):
                self.file.only(within, ("real", "simulated", "step"), "within")
                text = within.get("simulated", within.get("real"))
            try:
                parse_duration(str(text) if _is_scalar(text) else "?")
            except GraphError:
                raise self.file.error(_mark(value, "within"), f"not a duration: {text!r}",
                                      "e.g. 5s, or {simulated: 1h}") from None
        if name == "receiver" and not (value["status"] in ("up", "down") or (
                isinstance(value["status"], int) and 100 <= value["status"] <= 599)):
            raise self.file.error(_mark(value, "status"),
                                  f"receiver status must be up, down or an HTTP status, "
                                  f"got {value['status']!r}")

    def expectation(self, action: str, key: str,
                    value: Any) -> tuple[str] | tuple[str, str] | None:
        if key == "http":
            if isinstance(value, int) and not isinstance(value, bool):
                return None
            if isinstance(value, dict):
                unknown = set(value) - {"status", "code", "subcode", "message", "details"}
                if unknown:
                    return (f"unknown key {sorted(unknown)[0]!r} in 'http'",
                            "status, code, subcode, message, details")
                return None
            return ("'http' must be a status such as 200 or a mapping", "e.g. http: 400")
        if key == "status":
            if value not in STATUSES:
                close = _close(str(value), STATUSES)
                return (f"unknown status {value!r}",
                        f"did you mean {close!r}?" if close else ", ".join(STATUSES))
            return None
        if key == "statuses":
            if not isinstance(value, list) or any(v not in STATUSES for v in value):
                return ("'statuses' must list statuses in order", ", ".join(STATUSES))
            return None
        if key == "error":
            if isinstance(value, int) and not isinstance(value, bool):
                return None
            if not isinstance(value, dict) or "code" not in value:
                return ("'error' must be a code or a mapping with 'code'",
                        "e.g. error: 131047 or error: {code: 131047, channel: webhook}")
            unknown = set(value) - {"code", "channel", "title", "details", "message"}
            if unknown:
                return (f"unknown key {sorted(unknown)[0]!r} in 'error'",
                        "code, channel, title, details")
            if value.get("channel", "sync") not in ERROR_CHANNELS:
                return (f"unknown error channel {value.get('channel')!r}", "sync or webhook")
            return None
        if key == "window":
            if isinstance(value, str):
                if value not in WINDOW_STATES:
                    return (f"unknown window state {value!r}", "open or closed")
                if action not in ("customer", "send", "opt_out", "opt_in", "contact",
                                  "expect_sent"):
                    return (f"'window: {value}' needs the step's customer, and "
                            f"{action!r} has none", f"name them: window: {{ana: {value}}}")
                return None
            if isinstance(value, dict):
                for who, state in value.items():
                    self.contact(who, _mark(value, who))
                    if not (state in WINDOW_STATES or isinstance(state, dict)):
                        return (f"unknown window state {state!r}", "open or closed")
                return None
            return ("'window' must be open, closed or a mapping of customers",
                    "e.g. window: {ana: open}")
        if key == "webhooks":
            if isinstance(value, int) and not isinstance(value, bool):
                return None
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                return None
            return ("'webhooks' must be a count or a list of webhook matchers",
                    "e.g. webhooks: [{status: sent}, {status: delivered}]")
        if key in ("pricing", "record", "response", "template") and not isinstance(value, dict):
            return (f"{key!r} must be a mapping, got {_kind(value)}",)
        if key == "template" and action not in ("create_template", "approve", "reject",
                                                "pause", "disable", "reinstate", "flag",
                                                "change_category", "send") \
                and "name" not in value:
            return ("'template' needs 'name' here", "say which template to check")
        if key == "messages" and not isinstance(value, dict):
            return ("'messages' must be a mapping", "e.g. messages: {to: ana, count: 2}")
        if key in ("received",) and (isinstance(value, bool) or not isinstance(value, int)):
            return ("'received' must be a count of webhooks the receiver accepted",)
        if key == "message" and not _is_scalar(value):
            return ("'message' must be a message id", "e.g. message: ${order.id}")
        return None
