"""The step vocabulary: which actions a scenario step can take and what it may expect.

Each :class:`Action` names its keys; the loader checks a step against its action before
anything runs, and the runner turns it into a request to the simulator's HTTP app.
"""

from __future__ import annotations

from dataclasses import dataclass

from wasim.platform import inbound
from wasim.rules import payloads

INBOUND_TYPES = inbound.INBOUND_TYPES
"""What a customer can send (§5.1), as ``wasim.platform.inbound`` accepts."""

SEND_TYPES = payloads.SEND_TYPES
"""What a business can send through ``POST /{phone-number-id}/messages`` (§3)."""

STATUSES = ("accepted", "sent", "delivered", "read", "played", "failed")
REVIEW_ACTIONS = ("approve", "reject", "pause", "disable", "reinstate", "flag",
                  "change_category")


@dataclass(frozen=True, slots=True)
class Action:
    """One step action.

    Args:
        name: The step key.
        shape: ``mapping``, ``text`` (a scalar), ``text_or_mapping``, ``duration``,
            ``instant`` or ``flag``.
        keys: Keys its mapping form accepts.
        required: Keys its mapping form needs.
        one_of: Groups of keys of which exactly one must be given.
        text_key: The key a scalar value stands for (``approve: name`` is
            ``approve: {template: name}``).
        summary: One line for the README and the schema.
        example: A short example, the hint of a wrongly typed value.
    """

    name: str
    shape: str
    keys: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    text_key: str | None = None
    summary: str = ""
    example: str = ""


def _review(name: str, summary: str, *extra: str) -> Action:
    return Action(name, "text_or_mapping", ("template", "language", *extra), ("template",),
                  text_key="template", summary=summary)


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("customer", "mapping",
           ("from", "name", "context", "reply_to", "referral", "phone_number_id",
            *INBOUND_TYPES), ("from",), (INBOUND_TYPES,),
           summary="a customer writes to the business (any inbound type)",
           example="customer: {from: ana, text: hi}"),
    Action("send", "mapping",
           ("to", "recipient", "from", "reply_to", "context", "biz_opaque_callback_data",
            *SEND_TYPES), (), (("to", "recipient"), SEND_TYPES),
           summary="the business sends a message through POST /{phone-number-id}/messages",
           example="send: {to: ana, text: hello}"),
    Action("mark_read", "text_or_mapping", ("message", "typing", "from"), ("message",),
           text_key="message", summary="the business marks an inbound message read"),
    Action("graph", "mapping", ("method", "path", "body", "query", "token"), ("path",),
           summary="a raw Graph API request (method, path, body, query, token)"),
    Action("create_template", "mapping",
           ("name", "language", "category", "components", "parameter_format",
            "allow_category_change", "message_send_ttl_seconds", "waba"),
           ("name", "language", "category"),
           summary="POST /{waba-id}/message_templates"),
    _review("approve", "the template review approves a template"),
    _review("reject", "the template review rejects a template", "reason"),
    _review("pause", "the platform pauses a template (quality)"),
    _review("disable", "the platform disables a template"),
    _review("reinstate", "a paused or disabled template is approved again"),
    _review("flag", "a template's quality is flagged"),
    Action("change_category", "mapping", ("template", "language", "category", "impending"),
           ("template", "category"), summary="the platform re-categorises a template"),
    Action("advance", "duration", summary="move the simulated clock forward (25h, 1d2h)"),
    Action("set_time", "instant", summary="jump the simulated clock to an instant"),
    Action("opt_out", "text", summary="a customer opts out of marketing messages"),
    Action("opt_in", "text", summary="a customer opts back in to marketing messages"),
    Action("contact", "mapping", ("who", "name", "opted_out_marketing"), ("who",),
           summary="change a customer's profile name or marketing opt-out"),
    Action("fault", "mapping",
           ("method", "path", "code", "status", "details", "times", "every", "share", "seed",
            "latency_ms"), (),
           summary="inject a fault into matching Graph calls (POST /_sim/faults)"),
    Action("fail_next_message", "text_or_mapping", ("code", "to", "times", "details"),
           ("code",),
           text_key="code", summary="make the next message(s) fail with a Graph error"),
    Action("upload_media", "mapping",
           ("mime_type", "text", "base64", "filename", "inbound", "phone_number_id"),
           ("mime_type",), summary="store media and save its id (for inbound media)"),
    Action("clear_faults", "flag", summary="remove every injected fault"),
    Action("set_status", "mapping", ("message", "status", "code", "details"),
           ("message", "status"), summary="force a sent message's status (read, failed)"),
    Action("settings", "mapping", summary="change world settings"),
    Action("webhook", "mapping", ("url", "app_secret", "verify_token"), (),
           summary="change the webhook target or its secrets"),
    Action("receiver", "text_or_mapping", ("status",), ("status",), text_key="status",
           summary="the built-in webhook receiver answers up (200), down (500) or a status"),
    Action("redeliver", "text", summary="redeliver one webhook by id"),
    Action("expect_sent", "mapping", ("to", "type", "text", "template", "within"), (),
           summary="the app under test sends a matching message within a time bound"),
    Action("wait", "duration", summary="wait real time (for an app under test)"),
)}

STEP_KEYS = ("name", "as", "expect")
EXPECT = "expect"

EXPECT_KEYS = ("http", "status", "statuses", "error", "pricing", "webhooks", "window",
               "template", "response", "record", "message", "messages", "received")
"""What a step (or a standalone ``expect`` step) can check."""

ERROR_CHANNELS = ("sync", "webhook")
WINDOW_STATES = ("open", "closed")
