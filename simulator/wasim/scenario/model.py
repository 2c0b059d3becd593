"""The typed form of a scenario file: scenarios, steps and what running them produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wasim.world.state import World


@dataclass(slots=True)
class Step:
    """One step of a scenario: an action (or none), its expectations and a saved name.

    Args:
        index: 1-based position in the scenario.
        action: The action key (``customer``, ``send``, ``advance`` ...) or ``expect``.
        args: The action's value, plain data with ``${...}`` references unresolved.
        expect: The expectations, plain data (``{}`` when none).
        save_as: The variable the step's result is saved under (``as:``).
        label: The step's own ``name:``.
        line: Line of the step in its file.
        column: Column of the step in its file.
        marks: Where each expectation key sits (for reports).
    """

    index: int
    action: str
    args: Any
    expect: dict[str, Any]
    save_as: str | None
    label: str | None
    line: int
    column: int
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)

    def title(self) -> str:
        """A one-line description for reports."""
        if self.label:
            return self.label
        return describe(self.action, self.args)


def describe(action: str, args: Any) -> str:
    """``send to ana: text``, ``advance 25h``: what a step does, in a few words."""
    if action == "expect":
        return "expect " + ", ".join(sorted(args)) if isinstance(args, dict) else "expect"
    if action == "graph" and isinstance(args, dict):
        return f"graph {str(args.get('method', 'POST')).upper()} {args.get('path')}"
    if action == "expect_sent" and isinstance(args, dict):
        wanted = ", ".join(f"{k} {v}" for k, v in args.items() if k not in ("to", "within"))
        return f"the app sends to {args.get('to', 'anyone')}" + (f": {wanted}" if wanted else "")
    if isinstance(args, dict):
        who = args.get("to") or args.get("from") or args.get("template") or args.get("who")
        kinds = [k for k in args if k not in ("to", "from", "template", "who", "as")]
        if action in ("send", "customer"):
            kinds = [k for k in args if k in _CONTENT_KEYS] or kinds
        head = f"{action} {'to' if action == 'send' else ''}".strip()
        if action == "send" and "template" in args:
            template = args["template"]
            name = template.get("name") if isinstance(template, dict) else template
            return f"send to {args.get('to')}: template {name}"
        who_text = f" {who}" if who is not None and not isinstance(who, dict | list) else ""
        return f"{head}{who_text}" + (f": {', '.join(kinds)}" if kinds else "")
    if args is None or args is True:
        return action
    return f"{action} {args}"


_CONTENT_KEYS = frozenset({
    "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
    "interactive", "reaction", "template", "button", "order", "system", "unsupported",
    "request_welcome", "edit", "revoke"})


@dataclass(slots=True)
class Scenario:
    """One scenario: where it comes from, the world it starts in, and its steps."""

    name: str
    path: str
    line: int
    world: World
    start: str | None
    seed: int | str | None
    variables: dict[str, Any]
    steps: list[Step]
    description: str = ""

    @property
    def id(self) -> str:
        return f"{self.path}::{self.name}"


@dataclass(slots=True)
class StepResult:
    """What one step did: passed, failed (with expected/happened) or broke."""

    step: Step
    outcome: str  # "passed" | "failed" | "error" | "skipped"
    expected: str = ""
    happened: str = ""
    line: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome in ("passed", "skipped")


@dataclass(slots=True)
class ScenarioResult:
    """The result of running one scenario."""

    scenario: Scenario
    steps: list[StepResult]
    seconds: float = 0.0
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.steps)

    @property
    def failure(self) -> StepResult | None:
        return next((r for r in self.steps if not r.ok), None)

    def failure_text(self) -> str:
        """The failing step as ``file:line: step N (title)`` + expected/happened."""
        failed = self.failure
        if failed is None:
            return ""
        step = failed.step
        line = failed.line or step.line
        lines = [f"{self.scenario.path}:{line}: step {step.index} ({step.title()}) "
                 f"{'failed' if failed.outcome == 'failed' else 'could not run'}"]
        if failed.expected:
            lines.append(f"  expected: {failed.expected}")
        lines.append(f"  happened: {failed.happened}")
        return "\n".join(lines)
