"""The scenario package's own rules: steps live in the registry; only the wiring touches
the HTTP app and the server."""

from __future__ import annotations

import ast
from pathlib import Path

from wasim.scenario import load_text, run_scenario
from wasim.scenario.registry import Action, Expectation
from wasim.scenario.steps import ACTIONS, EXPECT_KEYS, EXPECTATIONS

PACKAGE = Path(__file__).resolve().parents[2] / "simulator" / "wasim" / "scenario"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_wiring_imports_the_http_app_and_the_server() -> None:
    edges = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if any(name.startswith(("wasim.api", "wasim.serve")) for name in _imports(p))}
    assert edges == {"wiring.py"}


def test_every_step_and_expectation_is_a_registered_class() -> None:
    assert all(isinstance(a, Action) and a.name == name for name, a in ACTIONS.items())
    assert all(isinstance(e, Expectation) and e.key == key
               for key, e in EXPECTATIONS.items())
    assert tuple(EXPECTATIONS) == EXPECT_KEYS
    assert len(ACTIONS) >= 28 and len(EXPECTATIONS) == 13


def test_a_new_step_class_registers_itself_and_reaches_the_schema() -> None:
    from wasim.scenario.registry import FlagAction, Outcome, Session
    from wasim.scenario.schema import build_schema

    class Ping(FlagAction):
        name = "ping_for_test"
        summary = "a step defined by a test"

        def run(self, session: Session, args: object) -> Outcome:
            return Outcome()

    try:
        assert ACTIONS["ping_for_test"].__class__ is Ping
        defs = build_schema()["$defs"]
        assert defs["ping_for_test"] == {"const": True, "description": "a step defined by a test"}
        scenario = load_text("name: p\nsteps:\n  - ping_for_test: true\n", "p.yaml")[0]
        assert [r.outcome for r in run_scenario(scenario).steps] == ["passed"]
    finally:
        del ACTIONS["ping_for_test"]
