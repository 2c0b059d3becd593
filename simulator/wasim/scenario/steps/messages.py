"""Steps of the business: it sends, marks read, calls any Graph path; forced outcomes."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from wasim.errors import GraphError
from wasim.scenario.checking import Checks, is_scalar, kind, mark_of
from wasim.scenario.registry import (
    ANY,
    API_VERSION,
    BOOLEAN,
    INTEGER,
    SCALAR,
    TEXT,
    Action,
    Outcome,
    Session,
    StepFailure,
)
from wasim.scenario.steps.kinds import SEND_TYPES, STATUSES

METHODS = ("GET", "POST", "DELETE", "PUT", "PATCH")
TEMPLATE_PARTS = ("body", "header", "buttons", "components")


def failure_text(record: dict[str, Any]) -> str:
    """``error 131047 Re-engagement message: details`` of a failed message record."""
    error = record.get("error") or {}
    details = (error.get("error_data") or {}).get("details", "")
    return f"error {error.get('code')} {error.get('title', '')}".rstrip() + (
        f": {details}" if details else "")


class _Sends(Action):
    """A step whose message must not fail unless the step expects a failure."""

    def after(self, session: Session, expect: dict[str, Any], outcome: Outcome) -> None:
        if (outcome.message_id is not None and "error" not in expect
                and "status" not in expect and "statuses" not in expect):
            record = session.record(outcome.message_id)
            if record is not None and record["status"] == "failed":
                raise StepFailure("the message not to fail",
                                  f"it failed with {failure_text(record)}")


class Send(_Sends):
    """``send: {to: ana, text: hello}``: ``POST /{phone-number-id}/messages`` (§3)."""

    name = "send"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "to": SCALAR, "recipient": SCALAR, "from": SCALAR, "reply_to": TEXT,
        "context": ANY, "biz_opaque_callback_data": ANY,
        **{kind: ({"type": ["string", "number", "object"]} if kind == "text" else
                  {"type": ["string", "object"]} if kind == "template" else ANY)
           for kind in SEND_TYPES}}
    one_of = (("to", "recipient"), SEND_TYPES)
    summary = "the business sends a message through POST /{phone-number-id}/messages"
    example = "send: {to: ana, text: hello}"
    has_customer = True
    names_template = True

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        if "template" not in value:
            return
        template = value["template"]
        if isinstance(template, dict):
            checks.only(template, ("name", "language", *TEMPLATE_PARTS), "template")
            if template.get("name") is None:
                raise checks.error(mark_of(template), "'template' is missing 'name'",
                                   "add 'name:'")
            checks.template(template["name"], mark_of(template, "name"))
            for part in TEMPLATE_PARTS:
                given = template.get(part)
                if given is not None and not isinstance(given, list) and not (
                        isinstance(given, str) and "${" in given):
                    raise checks.error(
                        mark_of(template, part),
                        f"template {part!r} must be a list, got {kind(given)}",
                        f"e.g. {part}: [Ana, A-1001]" if part != "components" else None)
        elif is_scalar(template):
            checks.template(template, mark_of(value, "template"))
        else:
            raise checks.error(mark_of(value, "template"),
                               f"'template' must be a name or a mapping, got {kind(template)}")

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        kind_ = next(k for k in args if k in SEND_TYPES)
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        if "to" in args:
            body["to"] = session.wa_id(args["to"])
        else:
            body["recipient"] = args["recipient"]
        body["type"] = kind_
        body[kind_] = content(kind_, args[kind_])
        if "reply_to" in args:
            body["context"] = {"message_id": args["reply_to"]}
        if "context" in args:
            body["context"] = args["context"]
        if "biz_opaque_callback_data" in args:
            body["biz_opaque_callback_data"] = args["biz_opaque_callback_data"]
        phone = args.get("from", session.phone_id)
        response = session.call("POST", f"/{API_VERSION}/{phone}/messages", body)
        outcome = Outcome(response=response, who=body.get("to"))
        if kind_ == "template":
            outcome.template = body["template"]["name"]
            outcome.language = body["template"]["language"]["code"]
        if response.status_code < 400:
            data = response.json()
            outcome.message_id = data["messages"][0]["id"]
            outcome.saved = {"id": outcome.message_id, "wa_id": data["contacts"][0]["wa_id"],
                             "response": data}
        return outcome


def content(kind_: str, value: Any) -> Any:
    """The Graph object of a send: ``text: hi`` is ``{body: hi}``; a template's
    ``body: [..]`` / ``header: [..]`` become its components."""
    if kind_ == "text":
        return value if isinstance(value, dict) else {"body": str(value)}
    if kind_ != "template":
        return value
    if not isinstance(value, dict):
        return {"name": str(value), "language": {"code": "en_US"}}
    language = value.get("language", "en_US")
    template: dict[str, Any] = {
        "name": value["name"],
        "language": language if isinstance(language, dict) else {"code": str(language)}}
    components = list(value.get("components", []))
    for part in ("header", "body"):
        if part in value:
            components.append({"type": part, "parameters": [
                item if isinstance(item, dict) else {"type": "text", "text": str(item)}
                for item in value[part]]})
    components.extend(value.get("buttons", []))
    if components:
        template["components"] = components
    return template


class MarkRead(Action):
    """``mark_read: ${hello.id}``: the business marks an inbound message read."""

    name = "mark_read"
    shape = "text_or_mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "message": TEXT, "typing": BOOLEAN, "from": SCALAR}
    required = ("message",)
    text_key = "message"
    summary = "the business marks an inbound message read"

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read",
                                "message_id": args["message"]}
        if args.get("typing"):
            body["typing_indicator"] = {"type": "text"}
        phone = args.get("from", session.phone_id)
        return Outcome(response=session.call("POST", f"/{API_VERSION}/{phone}/messages", body))


class Graph(_Sends):
    """``graph: {method: GET, path: ...}``: any Graph request, answered as served."""

    name = "graph"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "method": {"enum": list(METHODS)}, "path": TEXT, "body": ANY, "query": ANY,
        "token": ANY}
    required = ("path",)
    summary = "a raw Graph API request (method, path, body, query, token)"

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        method = str(value.get("method", "POST")).upper()
        if method not in METHODS:
            raise checks.error(mark_of(value, "method"), f"unknown HTTP method {method!r}",
                               "GET, POST or DELETE")
        query = value.get("query")
        if query is not None and not isinstance(query, dict):
            raise checks.error(mark_of(value, "query"),
                               f"'query' must be a mapping, got {kind(query)}")

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        path = str(args["path"])
        if not path.startswith("/"):
            path = f"/{API_VERSION}/{path}"
        headers = None
        if "token" in args:
            token = args["token"]
            headers = {"Authorization": f"Bearer {token}"} if token not in (None, "none") \
                else {"Authorization": ""}
        response = session.call(str(args.get("method", "POST")).upper(), path,
                                args.get("body"), args.get("query"), headers)
        outcome = Outcome(response=response)
        try:
            outcome.saved = response.json()
        except ValueError:
            outcome.saved = response.text
        if (response.status_code < 400 and isinstance(outcome.saved, dict)
                and str(outcome.saved.get("id", "")).startswith("wamid.")):
            outcome.message_id = outcome.saved["id"]
        messages = outcome.saved.get("messages") if isinstance(outcome.saved, dict) else None
        if response.status_code < 400 and isinstance(messages, list) and messages:
            outcome.message_id = messages[0].get("id")
        return outcome


class SetStatus(Action):
    """``set_status: {message: ..., status: read}``: force a sent message's status."""

    name = "set_status"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "message": TEXT, "status": {"enum": list(STATUSES)}, "code": INTEGER,
        "details": ANY}
    required = ("message", "status")
    summary = "force a sent message's status (read, failed)"

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        status = value["status"]
        if not (isinstance(status, str) and "${" in status) and status not in STATUSES:
            raise checks.error(mark_of(value, "status"), f"unknown status {status!r}",
                               ", ".join(STATUSES))
        if "code" in value:
            checks.whole(value["code"], mark_of(value, "code"), "'code'", 0, 10**9)

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        body = {k: v for k, v in args.items() if k != "message"}
        message = str(args["message"])
        if "/" in message:
            # A wamid's base64 may hold "/", which the path route cannot carry: use the
            # Python twin of POST /_sim/messages/{wamid}/status.
            try:
                session.sim.set_status(message, str(args["status"]), code=args.get("code"),
                                       details=args.get("details"))
            except GraphError as error:
                raise StepFailure("the status to be set", error.details or error.title) \
                    from None
            return Outcome(message_id=message)
        response = session.call("POST", f"/_sim/messages/{quote(message, safe='')}/status",
                                body)
        return Outcome(response=response, message_id=message)


class FailNextMessage(Action):
    """``fail_next_message: 131026``: the next message(s) fail asynchronously."""

    name = "fail_next_message"
    shape = "text_or_mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "code": INTEGER, "to": SCALAR, "times": INTEGER, "details": ANY}
    required = ("code",)
    text_key = "code"
    summary = "make the next message(s) fail with a Graph error"

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        checks.whole(value["code"], mark_of(value, "code"), "'code'", 0, 10**9)
        if "times" in value:
            checks.whole(value["times"], mark_of(value, "times"), "'times'", 1, 10**6)

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        body = dict(args)
        if "to" in body:
            body["to"] = session.wa_id(body["to"])
        return Outcome(response=session.call("POST", "/_sim/faults/messages", body))
