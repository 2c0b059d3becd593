"""Scenario replay speed: a generated 30-day, 1,000-step scenario, loaded then run.

Run: ``python bench/bench_scenarios.py [--steps 1000] [--days 30] [--repeat 5]``.
Prints the load time, the best run time and steps per second (the bar: the whole
scenario replays in under one second).
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from wasim.clock import parse_duration
from wasim.scenario import load_text, run_scenario

CUSTOMERS = ("ana", "bruno", "chen")


def generate(steps: int, days: int) -> str:
    """A conversation script of ``steps`` steps spread evenly over ``days`` simulated days."""
    lines = ["name: a month of conversations", "start: 2026-01-05T09:00:00Z", "steps:"]
    count = 0
    for day in range(days):
        budget = steps * (day + 1) // days - count - 1  # the last step moves to the next day
        who = CUSTOMERS[day % len(CUSTOMERS)]
        cycle = [
            (f"  - customer: {{from: {who}, text: \"day {day}: any news?\"}}",
             "    expect: {window: open}"),
            (f"  - send: {{to: {who}, text: \"Checking, day {day}\"}}",
             "    expect: {status: delivered, pricing: {billable: false}}"),
            (f"  - send: {{to: {who}, template: {{name: shipping_update, "
             f"body: [Ana, A-{day}]}}}}",
             "    expect: {status: delivered, pricing: {category: utility}}"),
            ("  - advance: 10m", None),
        ]
        minutes = 0
        for index in range(budget):
            step, expect = cycle[index % len(cycle)]
            lines.append(step)
            if expect:
                lines.append(expect)
            minutes += 10 if step.endswith("10m") else 0
        lines.append(f"  - advance: {24 * 60 - minutes}m")
        count += budget + 1
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = generate(args.steps, args.days)
    started = time.perf_counter()
    scenario = load_text(text, "<generated>")[0]
    load_seconds = time.perf_counter() - started
    best = float("inf")
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = run_scenario(scenario)
        best = min(best, time.perf_counter() - started)
    assert result is not None and result.ok, result.failure_text() if result else ""
    steps = len(scenario.steps)
    span = sum((parse_duration(s.args) for s in scenario.steps if s.action == "advance"),
               timedelta(0))
    print(f"scenario: {steps} steps over {span.total_seconds() / 86400:.1f} simulated days "
          f"({len(text.splitlines())} YAML lines)")
    print(f"load:     {load_seconds * 1000:.0f} ms")
    print(f"run:      {best * 1000:.0f} ms best of {args.repeat} "
          f"({steps / best:,.0f} steps/s)")
    print(f"bar:      under 1 s -> {'met' if best < 1.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
