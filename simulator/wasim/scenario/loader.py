"""Read scenario files into :class:`~wasim.scenario.model.Scenario` objects.

Everything that can be known before running is checked here, and every problem is a
:class:`~wasim.world.source.SourceError` reading ``file:line:column: what is wrong (hint)``:
bad YAML, unknown keys and steps, wrong types, missing fields, bad durations and
instants, unknown settings, contacts, templates and variables. YAML is read with the safe
loader of :mod:`wasim.world.source` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from wasim.clock import in_range, parse_instant
from wasim.errors import GraphError
from wasim.scenario.checking import Checks, close, is_scalar, kind
from wasim.scenario.matching import bad_pattern
from wasim.scenario.model import Scenario, Step
from wasim.scenario.steps import ACTIONS, EXPECT, EXPECT_KEYS, EXPECTATIONS, STEP_KEYS
from wasim.scenario.variables import references
from wasim.world.seed import default_world_text, parse_world
from wasim.world.source import Mark, MarkedDict, MarkedList, load_file, loads, plain
from wasim.world.state import World

DEFAULT_START = "2026-01-05T09:00:00Z"
TOP_KEYS = ("name", "description", "start", "seed", "world", "settings", "vars", "steps",
            "scenarios")
SCENARIO_KEYS = ("name", "description", "start", "seed", "world", "settings", "vars",
                 "steps")
WORLD_KEYS = ("accounts", "contacts", "templates", "settings", "app_secret",
              "verify_token", "webhook_url", "tokens")
BUILTINS = ("phone_id", "waba_id", "token", "start", "contacts")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
                         f"a scenario file must be a mapping, got {kind(data)}",
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
                raise file.error(mark, f"each scenario must be a mapping, got {kind(item)}",
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


class _File(Checks):
    """Parses the scenarios of one file, raising located errors."""

    def __init__(self, path: str, worlds: Worlds) -> None:
        super().__init__(path)
        self.worlds = worlds

    def list_of(self, data: dict[str, Any], key: str, *,
                required: bool = False) -> list[tuple[Mark, Any]]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(_mark(data), f"missing required key {key!r}",
                                 "add it" if key != "steps" else "a scenario needs 'steps:'")
            return []
        if not isinstance(value, list):
            raise self.error(_mark(data, key), f"{key!r} must be a list, got {kind(value)}",
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
            raise self.error(_mark(merged, "name"), f"'name' must be a string, got {kind(name)}")
        description = merged.get("description") or ""
        if not isinstance(description, str):
            raise self.error(_mark(merged, "description"), "'description' must be a string")
        start = merged.get("start", DEFAULT_START)
        try:
            start_text = parse_instant(str(start)).isoformat().replace("+00:00", "Z")
        except GraphError:
            raise self.error(_mark(merged, "start"), f"'start' is not an instant: {start!r}",
                             "use ISO-8601, e.g. 2026-01-05T09:00:00Z") from None
        try:
            in_range(parse_instant(start_text))
        except GraphError as exc:
            raise self.error(_mark(merged, "start"), exc.details) from None
        seed = merged.get("seed")
        if seed is not None and not is_scalar(seed):
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
                             f"'world' must be 'default', a file or a mapping, got {kind(spec)}")
        settings = data.get("settings")
        if settings is not None:
            if not isinstance(settings, dict):
                raise self.error(_mark(data, "settings"), "'settings' must be a mapping")
            self.settings(world.settings, settings)
        return world

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
            raise self.error(_mark(data, "vars"), f"'vars' must be a mapping, got {kind(raw)}")
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
        self.know(world)
        steps = []
        for index, (mark, item) in enumerate(items, start=1):
            step = self.step(index, mark, item)
            self.check_references(item, known)
            if step.save_as is not None:
                known.add(step.save_as)
            if step.action == "create_template":
                self.templates.add(str(step.args.get("name")))
            steps.append(step)
        return steps

    def check_references(self, item: dict[str, Any], known: set[str]) -> None:
        for key, value in item.items():
            for name, whole in references(value):
                if name not in known:
                    near = close(name, known)
                    hint = (f"did you mean {near!r}?" if near else
                            "define it under 'vars:' or save a step's result with 'as:'")
                    raise self.error(_reference_mark(item, key, whole),
                                     f"unknown variable {name!r} in {whole}", hint)

    def step(self, index: int, mark: Mark, item: Any) -> Step:
        if not isinstance(item, dict):
            raise self.error(mark, f"step {index} must be a mapping, got {kind(item)}",
                             "e.g. - send: {to: ana, text: hi}")
        actions = [k for k in item if k in ACTIONS]
        for key in item:
            if key not in ACTIONS and key not in STEP_KEYS:
                near = close(key, [*ACTIONS, *STEP_KEYS])
                hint = f"did you mean {near!r}?" if near else (
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
                             f"'expect' must be a mapping, got {kind(expect)}",
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
            args = ACTIONS[action].read(item[action], _mark(item, action), self)
        expect = expect or {}
        self.expectations(action, expect)
        if action == "expect_sent" and expect:
            raise self.error(_mark(item, EXPECT), "'expect_sent' takes no 'expect'",
                                 "its own keys are the expectation")
        marks = {k: _mark(expect, k) for k in expect}
        line, column = mark
        return Step(index, action, plain(args), plain(expect), save_as, label, line, column,
                    marks)

    def expectations(self, action: str, expect: dict[str, Any]) -> None:
        self.only(expect, EXPECT_KEYS, "expect")
        for key, value in expect.items():
            problem = EXPECTATIONS[key].problem(action, value, self)
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

