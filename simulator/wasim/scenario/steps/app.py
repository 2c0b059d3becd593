"""The step that waits for an app under test: ``expect_sent``."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, ClassVar

from wasim.clock import parse_duration
from wasim.errors import GraphError
from wasim.scenario.checking import Checks, is_scalar, mark_of
from wasim.scenario.matching import matches, show
from wasim.scenario.registry import (
    DURATION,
    SCALAR,
    Action,
    Outcome,
    Session,
    StepFailure,
    duration,
)
from wasim.scenario.steps.platform import LONGEST_ADVANCE, LONGEST_WAIT

DEFAULT_WITHIN = 5.0
DEFAULT_STEP = timedelta(minutes=1)
MAX_TICKS = 10_000
"""How many times ``within: {simulated, step}`` may move the clock while it waits."""
POLL_SECONDS = 0.02


def text_of(body: dict[str, Any]) -> Any:
    """The text a sent message shows: body, template name or caption."""
    kind = body.get("type")
    content = body.get(kind) if isinstance(kind, str) else None
    if isinstance(content, dict):
        return content.get("body") or content.get("name") or content.get("caption") \
            or content
    return content


class ExpectSent(Action):
    """``expect_sent: {to: ana, text: /order/, within: 5s}``: the app under test sends."""

    name = "expect_sent"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "to": SCALAR, "type": {}, "text": {"type": ["string", "number", "object"]},
        "template": {"type": ["string", "object"]},
        "within": {"oneOf": [DURATION, {"type": "object", "additionalProperties": False,
                                        "properties": {"real": DURATION,
                                                       "simulated": DURATION,
                                                       "step": DURATION}}]}}
    summary = "the app under test sends a matching message within a time bound"
    has_customer = True

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        if "within" not in value:
            return
        within = value["within"]
        where = mark_of(value, "within")
        if isinstance(within, dict):
            checks.only(within, ("real", "simulated", "step"), "within")
            found = {key: self.bound(within[key], mark_of(within, key), checks, longest)
                     for key, longest in (("real", LONGEST_WAIT),
                                          ("simulated", LONGEST_ADVANCE),
                                          ("step", LONGEST_ADVANCE)) if key in within}
            step = found.get("step", DEFAULT_STEP)
            if step <= timedelta(0) or found.get("simulated", step) / step > MAX_TICKS:
                raise checks.error(where, f"'within' moves the clock {MAX_TICKS:,} times at "
                                          f"most (simulated / step), and by more than 0",
                                   "give a larger step")
            return
        self.bound(within, where, checks, LONGEST_WAIT)

    @staticmethod
    def bound(value: Any, where: tuple[int, int], checks: Checks,
              longest: timedelta) -> timedelta:
        try:
            parse_duration(value if is_scalar(value) else "?")
        except GraphError:
            raise checks.error(where, f"not a duration: {value!r}",
                               "e.g. 5s, or {simulated: 1h}") from None
        return duration(value, where, checks, "within", longest)

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        within = args.get("within", DEFAULT_WITHIN)
        simulated = isinstance(within, dict) and "simulated" in within
        if isinstance(within, dict):
            limit = parse_duration(
                str(within.get("simulated", within.get("real", DEFAULT_WITHIN))))
            tick = parse_duration(str(within.get("step", DEFAULT_STEP.total_seconds())))
        else:
            limit = parse_duration(within)
            tick = limit
        deadline = time.monotonic() + (DEFAULT_WITHIN if simulated else limit.total_seconds())
        moved = parse_duration(0)
        while True:
            found = self.find(session, args)
            if found is not None:
                session.claimed.add(found["id"])
                return Outcome(message_id=found["id"], who=found["to"], saved=found)
            if simulated and moved < limit and tick > timedelta(0):
                session.sim.advance(tick)
                moved += tick
                session.flush()
                continue
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        bound = f"{limit} simulated" if simulated else f"{limit.total_seconds():g}s"
        sent = [m for m in session.sim.sent if m.id not in session.claimed]
        seen = "; ".join(f"{m.type} to {m.to}: {show(text_of(m.body))}"
                         for m in sent[-3:]) or "nothing"
        wanted = show({k: v for k, v in args.items() if k != "within"})
        raise StepFailure(f"the app sends {wanted} within {bound}",
                          f"it sent {seen}{session.app_trouble()}")

    @staticmethod
    def find(session: Session, args: dict[str, Any]) -> dict[str, Any] | None:
        for message in list(session.sim.sent):
            if message.id in session.claimed:
                continue
            if "to" in args and message.to != session.wa_id(args["to"]):
                continue
            if "type" in args and message.type != args["type"]:
                continue
            if "template" in args and message.template_name != args["template"]:
                continue
            if "text" in args:
                text = text_of(message.body)
                if not isinstance(text, str) or not matches(args["text"], text):
                    continue
            return dict(message.to_dict())
        return None
