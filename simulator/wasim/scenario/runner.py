"""Run a scenario against a fresh simulator: a loop over its steps.

Each step's action and expectations are classes of the step registry
(:mod:`wasim.scenario.steps`); this module holds the run they share (:class:`Session`):
a simulator, one client for its HTTP app in process (Graph routes for what the business
does, ``/_sim/`` control routes for customers, time and platform events), the
scenario's variables and where webhooks go. With an app under test the simulator is also
served on a loopback port and its webhooks go to the app (:mod:`wasim.scenario.wiring`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from wasim.config import Options
from wasim.scenario import wiring
from wasim.scenario.inline import Reply
from wasim.scenario.model import Scenario, ScenarioResult, Step, StepResult
from wasim.scenario.registry import Outcome, StepFailure, describe_response
from wasim.scenario.steps import ACTIONS, EXPECT, EXPECTATIONS
from wasim.scenario.variables import MissingVariable, resolve
from wasim.simulation import Simulator

SKIP_REASON = "needs an app under test (--app URL)"


@dataclass(slots=True)
class RunOptions:
    """How to run scenarios.

    Args:
        app_url: The webhook URL of an app under test (``None``: in-process only).
        port: Loopback port the simulator is served on for the app (0 picks one).
        seed: Overrides each scenario's ``seed`` for repeatable ids.
        app_flag: How the caller names the app option (in the skip reason).
        app: An ASGI app under test, run in process (instead of ``app_url``); when it
            raises, the failing step shows its traceback.
    """

    app_url: str | None = None
    port: int = 8787
    seed: int | str | None = None
    app_flag: str = "--app"
    app: Any = None


def needs_app(scenario: Scenario) -> bool:
    """Whether the scenario expects sends from an app under test."""
    return any(step.action == "expect_sent" for step in scenario.steps)


def uses_receiver(scenario: Scenario) -> bool:
    """Whether the scenario drives or checks the built-in webhook receiver (without one,
    webhooks are only recorded: nothing is POSTed, which keeps long replays fast)."""
    return any(step.action in ("receiver", "redeliver") or "received" in step.expect
               for step in scenario.steps)


def run_scenario(scenario: Scenario, options: RunOptions | None = None) -> ScenarioResult:
    """Run ``scenario`` in a new simulator; never raises for a failing step."""
    options = options or RunOptions()
    started = time.perf_counter()
    if needs_app(scenario) and options.app_url is None and options.app is None:
        reason = f"needs an app under test ({options.app_flag} URL)"
        skipped = [StepResult(step, "skipped", happened=reason) for step in scenario.steps]
        return ScenarioResult(scenario, skipped, time.perf_counter() - started)
    with Session(scenario, options) as session:
        results = session.run()
    return ScenarioResult(scenario, results, time.perf_counter() - started,
                          session.variables)


class Session:
    """One run of one scenario: a simulator, its HTTP client and the scenario's variables."""

    def __init__(self, scenario: Scenario, options: RunOptions) -> None:
        self.scenario = scenario
        under_test = options.app_url if options.app is None else options.app
        self.app_url = None if under_test is None else str(options.app_url or "asgi")
        seed = options.seed if options.seed is not None else scenario.seed
        self.sim = Simulator(Options(world=scenario.world, now=scenario.start, seed=seed))
        world = self.sim.world
        token = next(iter(world.tokens))
        self.phone_id = world.first_phone().id
        self.waba_id = world.first_account().waba_id
        self.variables: dict[str, Any] = {
            "phone_id": self.phone_id, "waba_id": self.waba_id, "token": token,
            "start": scenario.start,
            "contacts": {c.alias or c.wa_id: c.wa_id for a in world.accounts.values()
                         for c in a.contacts.values()},
            **scenario.variables}
        self.receiver = wiring.Receiver(world.app_secret)
        self.claimed: set[str] = set()
        self.app: wiring.AppUnderTest | None = None
        self.engine: Any = None
        if under_test is not None:
            self.app = wiring.AppUnderTest(self.sim, under_test, options.port)
            self.engine = self.app.engine
        elif uses_receiver(scenario):
            self.engine = wiring.attach(self.sim, self.receiver)
        self.client = wiring.client(self.sim, token)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.app is not None:
            self.app.close()
        else:
            wiring.close(self.engine)
        self.client.close()

    def run(self) -> list[StepResult]:
        results: list[StepResult] = []
        broken = False
        for step in self.scenario.steps:
            if broken:
                results.append(StepResult(step, "skipped", happened="an earlier step failed"))
                continue
            result = self.run_step(step)
            results.append(result)
            broken = not result.ok
        return results

    def run_step(self, step: Step) -> StepResult:
        try:
            args = resolve(step.args, self.variables)
            expect = resolve(step.expect, self.variables)
            webhooks_from = len(self.sim.webhooks)
            action = ACTIONS.get(step.action)
            outcome = action.run(self, args) if action is not None else Outcome()
            if self.app is not None:
                self.flush()
            self.check(step, expect, outcome, webhooks_from)
        except StepFailure as failure:
            return StepResult(step, "failed", failure.expected,
                              failure.happened + self.app_trouble(failure.happened),
                              failure.line or step.line)
        except MissingVariable as exc:
            return StepResult(step, "error", "", str(exc), step.line)
        except Exception as exc:  # a bug of ours: reported on the step, never a traceback
            return StepResult(step, "error", "", f"wasim could not run this step: "
                              f"{type(exc).__name__}: {exc}", step.line)
        if step.save_as is not None:
            self.variables[step.save_as] = outcome.saved
        self.variables["last"] = outcome.saved
        return StepResult(step, "passed", line=step.line)

    def check(self, step: Step, expect: dict[str, Any], outcome: Outcome,
              webhooks_from: int) -> None:
        """The step's expectations, each by its registered class; then the action's own."""
        response = outcome.response
        if step.action != EXPECT and "message" in expect:
            outcome.message_id = str(expect["message"])
        elif step.action == EXPECT and "message" in expect:
            outcome = Outcome(message_id=str(expect["message"]))
        wants_error = "http" in expect or "error" in expect
        if response is not None and response.status_code >= 400 and not wants_error:
            raise StepFailure("HTTP 200", describe_response(response))
        for key, value in expect.items():
            try:
                EXPECTATIONS[key].check(self, value, outcome, step.action, webhooks_from)
            except StepFailure as failure:
                failure.line = step.marks.get(key, (step.line, 0))[0]
                raise
        action = ACTIONS.get(step.action)
        if action is not None:
            action.after(self, expect, outcome)

    # --- what steps use (registry.Session) -----------------------------------------

    def call(self, method: str, path: str, body: Any = None,
             query: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        return self.client.request(method, path, body, query, headers)

    def control(self, method: str, path: str, body: Any = None) -> Reply:
        response = self.call(method, f"/_sim{path}", body)
        if response.status_code >= 400:
            raise StepFailure(f"{method} /_sim{path} to succeed", describe_response(response))
        return response

    def wa_id(self, who: Any) -> str:
        return self.sim.resolve_customer(str(who))

    def record(self, message_id: str | None) -> dict[str, Any] | None:
        if message_id is None or message_id not in self.sim.world.messages:
            return None
        return dict(self.sim.world.messages[message_id].to_dict())

    def flush(self) -> None:
        wiring.flush(self.engine)

    def app_trouble(self, happened: str = "") -> str:
        """Why the app under test may not have answered (``""`` when nothing is known)."""
        if self.app is None:
            return ""
        trouble = self.app.trouble()
        return f"; {trouble}" if trouble and trouble not in happened else ""
