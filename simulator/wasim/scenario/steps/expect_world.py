"""Expectations about the answer and the world: HTTP, webhooks, windows, templates."""

from __future__ import annotations

from typing import Any, ClassVar

from wasim.errors import GraphError
from wasim.scenario.checking import Checks, is_count, mark_of
from wasim.scenario.matching import matches, show
from wasim.scenario.registry import (
    ACTIONS,
    MATCHER,
    SCALAR,
    Expectation,
    MappingExpectation,
    Outcome,
    Problem,
    Session,
    StepFailure,
    describe_error,
    describe_response,
    error_of,
    plain_json,
)
from wasim.scenario.steps.kinds import STATUS, WINDOW_STATES

HTTP_KEYS = ("status", "code", "subcode", "message", "details")


def _http_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


class Http(Expectation):
    """``http: 400`` or ``{status, code, subcode, message, details}``."""

    key = "http"
    fragment: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "integer", "minimum": 100, "maximum": 599},
                  {"type": "object", "properties": {
                      "status": {"type": "integer", "minimum": 100, "maximum": 599},
                      "code": {"type": "integer"}, "subcode": {"type": "integer"},
                      "message": {"type": "string"}, "details": {"type": "string"}},
                   "additionalProperties": False}],
        "description": "the HTTP outcome: a status, or status/code/subcode/message"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if isinstance(value, int) and not isinstance(value, bool):
            return None if _http_status(value) else (
                f"{value!r} is not an HTTP status", "100 to 599, e.g. http: 400")
        if isinstance(value, dict):
            unknown = set(value) - set(HTTP_KEYS)
            if unknown:
                return (f"unknown key {sorted(unknown)[0]!r} in 'http'",
                        "status, code, subcode, message, details")
            if "status" in value and not _http_status(value["status"]):
                return (f"{value['status']!r} is not an HTTP status", "100 to 599")
            return None
        return ("'http' must be a status such as 200 or a mapping", "e.g. http: 400")

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        response = outcome.response
        if response is None:
            raise StepFailure(f"an HTTP answer {show(value)}", "this step makes no HTTP call")
        expected = value if isinstance(value, dict) else {"status": value}
        error = error_of(response)
        actual = {"status": response.status_code, "code": error.get("code"),
                  "subcode": error.get("error_subcode"), "message": error.get("message"),
                  "details": (error.get("error_data") or {}).get("details")}
        if not matches(expected, actual):
            raise StepFailure(_http_text(expected), describe_response(response))


def _http_text(expected: dict[str, Any]) -> str:
    parts = [f"HTTP {expected.get('status', 'any')}"]
    if "code" in expected:
        parts.append(f"with error {expected['code']}")
    for key in ("subcode", "message", "details"):
        if key in expected:
            parts.append(f"{key} {expected[key]}")
    return " ".join(parts)


class Response(MappingExpectation):
    """``response: {success: true}``: the JSON answer (a subset)."""

    key = "response"
    fragment: ClassVar[dict[str, Any]] = {**MATCHER, "description": "the JSON answer (subset)"}

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        response = outcome.response
        if response is None:
            raise StepFailure(f"response {show(value)}", "this step makes no HTTP call")
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if not matches(value, body):
            raise StepFailure(f"response {show(value)}", f"response {show(body)}")


def summarize(webhook: Any) -> dict[str, Any]:
    """A flat view of a webhook for matchers: field, kind, status/type, error, ids."""
    value = webhook.value
    summary: dict[str, Any] = {"field": webhook.field}
    for key, item in value.items():
        if isinstance(item, str | int | float | bool):
            summary[key] = item
    statuses = value.get("statuses")
    messages = value.get("messages")
    if webhook.field == "messages" and statuses:
        status = statuses[0]
        summary.update(kind="status", status=status.get("status"), message=status.get("id"),
                       to=status.get("recipient_id"))
        if status.get("pricing"):
            summary["pricing"] = status["pricing"]
            summary["category"] = status["pricing"].get("category")
        if status.get("errors"):
            summary["error"] = status["errors"][0].get("code")
    elif webhook.field == "messages" and messages:
        message = messages[0]
        summary.update(kind="message", type=message.get("type"), message=message.get("id"),
                       **{"from": message.get("from")})
    else:
        summary["kind"] = webhook.field
    return summary


def _webhook_text(summary: dict[str, Any]) -> str:
    if summary.get("kind") == "status":
        error = f" {summary['error']}" if summary.get("error") else ""
        return f"status {summary.get('status')}{error}"
    if summary.get("kind") == "message":
        return f"message {summary.get('type')} from {summary.get('from')}"
    return str(summary.get("event") or summary.get("field"))


class Webhooks(Expectation):
    """``webhooks: 2`` or ``[{status: sent}, ...]``: emitted during the step."""

    key = "webhooks"
    fragment: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "integer", "minimum": 0}, {"type": "array", "items": MATCHER}],
        "description": "webhooks emitted (count or matchers, in order)"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if is_count(value):
            return None
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return None
        return ("'webhooks' must be a count or a list of webhook matchers",
                "e.g. webhooks: [{status: sent}, {status: delivered}]")

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        start = 0 if action == "expect" else since
        emitted = [summarize(w) for w in list(session.sim.webhooks)[start:]]
        scope = "in total" if action == "expect" else "during this step"
        brief = ", ".join(_webhook_text(s) for s in emitted) or "none"
        if isinstance(value, int):
            if len(emitted) != value:
                raise StepFailure(f"{value} webhook(s) {scope}",
                                  f"{len(emitted)} webhook(s): {brief}")
            return
        if len(emitted) != len(value) or not all(
                matches(e, a) for e, a in zip(value, emitted, strict=False)):
            raise StepFailure(f"webhooks {show(value)} {scope}",
                              f"{len(emitted)} webhook(s): {brief}")


class Window(Expectation):
    """``window: open`` (the step's customer) or ``{ana: open, bruno: closed}``."""

    key = "window"
    fragment: ClassVar[dict[str, Any]] = {
        "anyOf": [{"enum": list(WINDOW_STATES)}, {"type": "object"}],
        "description": "the customer service window: open/closed or per customer"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if isinstance(value, str):
            if value not in WINDOW_STATES:
                return (f"unknown window state {value!r}", "open or closed")
            step = ACTIONS.get(action)
            if step is None or not step.has_customer:
                return (f"'window: {value}' needs the step's customer, and "
                        f"{action!r} has none", f"name them: window: {{ana: {value}}}")
            return None
        if isinstance(value, dict):
            for who, state in value.items():
                checks.contact(who, mark_of(value, who))
                if not (state in WINDOW_STATES or isinstance(state, dict)):
                    return (f"unknown window state {state!r}", "open or closed")
            return None
        return ("'window' must be open, closed or a mapping of customers",
                "e.g. window: {ana: open}")

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        wanted = value if isinstance(value, dict) else {outcome.who: value}
        for who, state in wanted.items():
            if who is None:
                raise StepFailure(f"window {state}",
                                  "this step has no customer; write window: {ana: open}")
            window = plain_json(session.sim.window(session.wa_id(who)))
            expected = {"open": state == "open"} if isinstance(state, str) else state
            if not matches(expected, window):
                actual = "open" if window.get("open") else "closed"
                closes = window.get("closes_at")
                raise StepFailure(f"window with {who} {show(state)}",
                                  f"window {actual}" + (f" (closes at {closes})" if closes and
                                                        window.get("open") else
                                                        (f" (closed at {closes})" if closes
                                                         else " (never opened)")))


class Template(MappingExpectation):
    """``template: {status: APPROVED}``: the step's template (or ``name:``'s) record."""

    key = "template"
    fragment: ClassVar[dict[str, Any]] = {
        **MATCHER, "description": "the template's record (status, category...)"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        problem = super().problem(action, value, checks)
        if problem is not None:
            return problem
        step = ACTIONS.get(action)
        if (step is None or not step.names_template) and "name" not in value:
            return ("'template' needs 'name' here", "say which template to check")
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        ref = value.get("name", outcome.template)
        language = value.get("language", outcome.language)
        try:
            body = plain_json(session.sim.templates.explained(
                str(ref), str(language) if language else None))
        except GraphError as error:
            raise StepFailure(f"template {ref} {show(value)}", describe_error(error)) from None
        if not matches(value, body):
            shown = {k: body.get(k) for k in value} if isinstance(body, dict) else body
            raise StepFailure(f"template {ref} {show(value)}", f"template {ref} {show(shown)}")


class Messages(Expectation):
    """``messages: {to: ana, status: failed, count: 2}``: sent messages, counted."""

    key = "messages"
    fragment: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {
            "to": SCALAR, "status": STATUS, "type": {"type": "string"},
            "count": {"type": "integer", "minimum": 0}}, "additionalProperties": False}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if not isinstance(value, dict):
            return ("'messages' must be a mapping", "e.g. messages: {to: ana, count: 2}")
        checks.only(value, ("to", "status", "type", "count"), "messages")
        if "count" in value and not is_count(value["count"]):
            return (f"'count' must be a whole number >= 0, got {value['count']!r}",)
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        query = {k: (session.wa_id(v) if k == "to" else str(v)) for k, v in value.items()
                 if k in ("to", "status", "type")}
        found = session.sim.messages(**query)
        count = value.get("count")
        if count is not None and len(found) != count:
            raise StepFailure(f"{count} message(s) {show(query)}",
                              f"{len(found)} message(s)")


class Received(Expectation):
    """``received: 3``: webhooks the built-in receiver accepted."""

    key = "received"
    fragment: ClassVar[dict[str, Any]] = {
        "type": "integer", "minimum": 0,
        "description": "webhooks the built-in receiver accepted"}

    def problem(self, action: str, value: Any, checks: Checks) -> Problem:
        if not is_count(value):
            return ("'received' must be a count of webhooks the receiver accepted",)
        return None

    def check(self, session: Session, value: Any, outcome: Outcome, action: str,
              since: int) -> None:
        session.flush()
        accepted = len(session.receiver.accepted)
        if accepted != value:
            raise StepFailure(f"the receiver accepted {value} webhook(s)",
                              f"it accepted {accepted} of {session.receiver.attempts} "
                              f"attempt(s)")
