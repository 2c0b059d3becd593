"""Expectations about the step's message: its statuses, error, pricing and record."""

from __future__ import annotations

from typing import Any, ClassVar

from wasim.scenario.checking import Checks, close, is_reference, is_scalar
from wasim.scenario.matching import matches, show
from wasim.scenario.registry import (
    MATCHER,
    Expectation,
    MappingExpectation,
    Outcome,
    Problem,
    Session,
    StepFailure,
    describe_response,
    error_of,
)
from wasim.scenario.steps.kinds import ERROR_CHANNELS, STATUS, STATUSES
from wasim.scenario.steps.messages import failure_text


def need_record(session: Session, outcome: Outcome, what: str) -> dict[str, Any]:
    """The record of the step's message, or a failure saying why there is none."""
    record = session.record(outcome.message_id)
    if record is None:
        happened = (f"no message {outcome.message_id} was recorded" if outcome.message_id
                    else "the step sent no message (give 'message:' to check one)")
        if outcome.response is not None and outcome.response.status_code >= 400:
            happened = describe_response(outcome.response)
        raise StepFailure(what, happened)
    return record


class Status(Expectation):
    """``status: delivered``: the message reached that status."""

    key = "status"
    fragment: ClassVar[dict[str, Any]] = {**STATUS,
                                          "description": "a status the message reached"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if value not in STATUSES:
            near = close(str(value), STATUSES)
            return (f"unknown status {value!r}",
                    f"did you mean {near!r}?" if near else ", ".join(STATUSES))
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        record = need_record(session, outcome, f"status {value}")
        reached = [s["status"] for s in record["statuses"]]
        if value not in reached and not (value == "accepted" and not reached):
            extra = f" ({failure_text(record)})" if record["status"] == "failed" else ""
            raise StepFailure(f"status {value}",
                              f"statuses {', '.join(reached) or 'none yet'}{extra}")


class Statuses(Expectation):
    """``statuses: [sent, delivered]``: every status reached, in order."""

    key = "statuses"
    fragment: ClassVar[dict[str, Any]] = {"type": "array", "items": STATUS,
                                          "description": "every status reached, in order"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if not isinstance(value, list) or any(v not in STATUSES for v in value):
            return ("'statuses' must list statuses in order", ", ".join(STATUSES))
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        record = need_record(session, outcome, f"statuses {', '.join(value)}")
        reached = [s["status"] for s in record["statuses"]]
        if reached != value:
            raise StepFailure(f"statuses {', '.join(value)}",
                              f"statuses {', '.join(reached) or 'none yet'}")


class Error(Expectation):
    """``error: 131047`` or ``{code, channel}``: in the HTTP answer or a failed status."""

    key = "error"
    fragment: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "integer"}, {
            "type": "object", "required": ["code"],
            "properties": {"code": {"type": "integer"},
                           "channel": {"enum": list(ERROR_CHANNELS)},
                           "title": {"type": "string"}, "details": {"type": "string"},
                           "message": {"type": "string"}},
            "additionalProperties": False}],
        "description": "a Graph error code, in the HTTP answer or a failed webhook"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if isinstance(value, int) and not isinstance(value, bool):
            return None
        if not isinstance(value, dict) or "code" not in value:
            return ("'error' must be a code or a mapping with 'code'",
                    "e.g. error: 131047 or error: {code: 131047, channel: webhook}")
        unknown = set(value) - {"code", "channel", "title", "details", "message"}
        if unknown:
            return (f"unknown key {sorted(unknown)[0]!r} in 'error'",
                    "code, channel, title, details")
        code = value["code"]
        if (isinstance(code, bool) or not isinstance(code, int)) and not is_reference(code):
            return (f"an error code is a number, got {code!r}", "e.g. code: 131047")
        if value.get("channel", "sync") not in ERROR_CHANNELS:
            return (f"unknown error channel {value.get('channel')!r}", "sync or webhook")
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        spec = value if isinstance(value, dict) else {"code": value}
        channel = spec.get("channel")
        wanted = f"error {spec['code']}" + (f" ({channel})" if channel else "")
        response = outcome.response
        sync = error_of(response) if response is not None and response.status_code >= 400 \
            else {}
        record = session.record(outcome.message_id)
        webhook = record.get("error") if record is not None else None
        found: list[tuple[str, dict[str, Any]]] = []
        if sync:
            found.append(("sync", sync))
        if webhook:
            found.append(("webhook", webhook))
        for where, error in found:
            if channel not in (None, where):
                continue
            actual = {"code": error.get("code"), "title": error.get("title"),
                      "message": error.get("message"),
                      "details": (error.get("error_data") or {}).get("details")}
            if matches({k: v for k, v in spec.items() if k != "channel"}, actual):
                return
        if found:
            happened = "; ".join(
                f"{where} error {e.get('code')} {e.get('title') or e.get('message')}"
                for where, e in found)
        elif record is not None:
            happened = f"no error: statuses {', '.join(s['status'] for s in record['statuses'])}"
        else:
            happened = describe_response(response) if response is not None else "no error"
        raise StepFailure(wanted, happened)


class Pricing(MappingExpectation):
    """``pricing: {category: utility, billable: true}``: the status webhooks' pricing."""

    key = "pricing"
    fragment: ClassVar[dict[str, Any]] = {**MATCHER,
                                          "description": "pricing of the status webhooks"}

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        record = need_record(session, outcome, f"pricing {show(value)}")
        priced = [s["pricing"] for s in record["statuses"] if s.get("pricing")]
        actual = priced[-1] if priced else None
        if actual is None or not matches(value, actual):
            reached = ", ".join(s["status"] for s in record["statuses"]) or "none"
            raise StepFailure(f"pricing {show(value)}",
                              f"pricing {show(actual)}" if actual else
                              f"no pricing (statuses {reached})")


class Record(MappingExpectation):
    """``record: {type: text, to: ...}``: the recorded message (a subset)."""

    key = "record"
    fragment: ClassVar[dict[str, Any]] = {**MATCHER,
                                          "description": "the recorded message (subset)"}

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        record = need_record(session, outcome, f"message {show(value)}")
        if not matches(value, record):
            shown = {k: record.get(k) for k in value}
            raise StepFailure(f"message {show(value)}", f"message {show(shown)}")


class Message(Expectation):
    """``message: ${order.id}``: the message the other expectations check."""

    key = "message"
    fragment: ClassVar[dict[str, Any]] = {"type": "string",
                                          "description": "the message to check (a wamid)"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if not is_scalar(value):
            return ("'message' must be a message id", "e.g. message: ${order.id}")
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        need_record(session, outcome, f"message {value} to exist")

