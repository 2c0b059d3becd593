"""The human report of a run: one line per step, the failing step in full, a summary.

Colours only when writing to a terminal (and ``NO_COLOR`` is unset); a progress line,
rewritten in place, shows how far a long run is on a terminal.
"""

from __future__ import annotations

import os
from typing import TextIO

from wasim.scenario.model import ScenarioResult

_COLOURS = {"passed": "32", "failed": "31", "error": "31", "skipped": "33", "dim": "2",
            "bold": "1"}
_MARKS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "skipped": "skip"}


class Reporter:
    """Writes results to ``out``.

    Args:
        out: The stream.
        colour: Force colours on or off (default: on for a terminal without NO_COLOR).
        verbose: Show every step, not only the failing scenario's.
    """

    def __init__(self, out: TextIO, *, colour: bool | None = None,
                 verbose: bool = True) -> None:
        self.out = out
        tty = hasattr(out, "isatty") and out.isatty()
        self.tty = tty
        self.colour = colour if colour is not None else (tty and "NO_COLOR" not in os.environ)
        self.verbose = verbose
        self._progress = False

    def paint(self, text: str, kind: str) -> str:
        return f"\033[{_COLOURS[kind]}m{text}\033[0m" if self.colour else text

    def progress(self, done: int, total: int, name: str) -> None:
        """``[3/40] running NAME`` in place (terminals only)."""
        if not self.tty or total < 2:
            return
        line = f"[{done + 1}/{total}] {name}"[:78]
        self.out.write("\r\033[K" + self.paint(line, "dim"))
        self.out.flush()
        self._progress = True

    def _clear(self) -> None:
        if self._progress:
            self.out.write("\r\033[K")
            self._progress = False

    def scenario(self, result: ScenarioResult) -> None:
        self._clear()
        scenario = result.scenario
        skipped = all(r.outcome == "skipped" for r in result.steps)
        state = "skipped" if skipped else ("passed" if result.ok else "failed")
        head = f"{_MARKS[state]:>5}  {scenario.path}:{scenario.line}  {scenario.name}"
        print(self.paint(head, state), file=self.out)
        if skipped:
            reason = result.steps[0].happened if result.steps else ""
            print(self.paint(f"       skipped: {reason}", "skipped"), file=self.out)
            return
        if self.verbose or not result.ok:
            for step in result.steps:
                mark = _MARKS[step.outcome]
                line = f"       {mark:>5} {step.step.index:>3}. {step.step.title()}" \
                       f"  (line {step.line or step.step.line})"
                print(self.paint(line, step.outcome if step.outcome != "passed" else "dim"),
                      file=self.out)
                if step.outcome in ("failed", "error"):
                    if step.expected:
                        print(f"               expected: {step.expected}", file=self.out)
                    print(self.paint(f"               happened: {step.happened}",
                                     step.outcome), file=self.out)
        self.out.flush()

    def problem(self, text: str) -> None:
        self._clear()
        print(self.paint(text, "error"), file=self.out)

    def summary(self, results: list[ScenarioResult], problems: int, seconds: float) -> None:
        self._clear()
        passed = sum(1 for r in results if r.ok and not _all_skipped(r))
        skipped = sum(1 for r in results if _all_skipped(r))
        failed = len(results) - passed - skipped
        steps = sum(len(r.steps) for r in results)
        parts = [f"{passed} passed"]
        if failed:
            parts.append(f"{failed} failed")
        if skipped:
            parts.append(f"{skipped} skipped")
        if problems:
            parts.append(f"{problems} unusable file(s)")
        kind = "failed" if failed or problems else "passed"
        text = f"{', '.join(parts)} ({steps} steps) in {seconds:.2f}s"
        print(self.paint(text, kind), file=self.out)


def _all_skipped(result: ScenarioResult) -> bool:
    return bool(result.steps) and all(r.outcome == "skipped" for r in result.steps)
