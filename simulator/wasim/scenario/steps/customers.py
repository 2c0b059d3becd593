"""Steps of customers: they write, opt out and in, change their profile."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from wasim.scenario.registry import (
    ANY,
    BOOLEAN,
    SCALAR,
    TEXT,
    Action,
    Outcome,
    Session,
    TextAction,
)
from wasim.scenario.steps.kinds import INBOUND_TYPES


class CustomerWrites(Action):
    """``customer: {from: ana, text: hi}``: a message reaches the business (§5.1)."""

    name = "customer"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "from": SCALAR, "name": TEXT, "context": ANY, "reply_to": TEXT, "referral": ANY,
        "phone_number_id": ANY,
        **{kind: ({"type": ["string", "number", "object"]} if kind == "text" else ANY)
           for kind in INBOUND_TYPES}}
    required = ("from",)
    one_of = (INBOUND_TYPES,)
    summary = "a customer writes to the business (any inbound type)"
    example = "customer: {from: ana, text: hi}"
    contact_keys = ("from",)
    has_customer = True

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        kind = next(k for k in args if k in INBOUND_TYPES)
        content = args[kind]
        body: dict[str, Any] = {"from": session.wa_id(args["from"]), "type": kind}
        if kind == "text" and isinstance(content, dict) and set(content) == {"body"}:
            content = content["body"]
        body[kind] = str(content) if kind == "text" and not isinstance(content, dict) \
            else content
        for key in ("name", "context", "referral", "phone_number_id"):
            if key in args:
                body[key] = args[key]
        if "reply_to" in args:
            body["context"] = args["reply_to"]
        response = session.call("POST", "/_sim/inbound", body)
        outcome = Outcome(response=response, who=body["from"])
        if response.status_code < 400:
            data = response.json()
            message = data.get("message", {})
            outcome.saved = {**message, "window": data.get("window")}
        return outcome


class CustomerCalls(Action):
    """``call: {from: ana, duration: 30}``: the customer calls the business; the call opens
    or refreshes the customer service window (§1.2). Without ``duration`` nobody answered."""

    name = "call"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "from": SCALAR, "duration": {"type": "number", "exclusiveMinimum": 0,
                                     "maximum": 86400},
        "phone_number_id": ANY}
    required = ("from",)
    summary = "a customer calls the business (opens the window)"
    example = "call: {from: ana, duration: 30}"
    contact_keys = ("from",)
    has_customer = True

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        body: dict[str, Any] = {"from": session.wa_id(args["from"]), "type": "call",
                                "call": {}}
        if "duration" in args:
            body["call"]["duration"] = args["duration"]
        if "phone_number_id" in args:
            body["phone_number_id"] = args["phone_number_id"]
        response = session.call("POST", "/_sim/inbound", body)
        outcome = Outcome(response=response, who=body["from"])
        if response.status_code < 400:
            data = response.json()
            outcome.saved = {**data.get("call", {}), "window": data.get("window")}
        return outcome


def _contact(session: Session, who: Any, body: dict[str, Any]) -> Outcome:
    wa_id = session.wa_id(who)
    response = session.call("POST", f"/_sim/contacts/{quote(wa_id, safe='')}", body)
    return Outcome(response=response, who=wa_id)


class OptOut(TextAction):
    """``opt_out: ana``: the customer stops marketing messages (sends fail with 131050)."""

    name = "opt_out"
    summary = "a customer opts out of marketing messages"
    is_contact = True
    has_customer = True

    def run(self, session: Session, args: Any) -> Outcome:
        return _contact(session, args, {"opted_out_marketing": True})


class OptIn(TextAction):
    """``opt_in: ana``: the customer accepts marketing messages again."""

    name = "opt_in"
    summary = "a customer opts back in to marketing messages"
    is_contact = True
    has_customer = True

    def run(self, session: Session, args: Any) -> Outcome:
        return _contact(session, args, {"opted_out_marketing": False})


class Contact(Action):
    """``contact: {who: ana, name: Ana S.}``: what the platform knows of a customer."""

    name = "contact"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "who": SCALAR, "name": TEXT, "opted_out_marketing": BOOLEAN}
    required = ("who",)
    summary = "change a customer's profile name or marketing opt-out"
    has_customer = True

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        return _contact(session, args["who"], {k: v for k, v in args.items() if k != "who"})
