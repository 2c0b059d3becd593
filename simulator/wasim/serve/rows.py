"""The small row forms of ``wasim serve --data``: a status as its own row, a status webhook
as a reference (§5.2).

A message is written once, when the store first sees it, without its statuses
(:func:`message_row`); each status it reaches is then one short row keyed by the
message's row number and the status's place in its list (:func:`status_row`): a message
that goes sent, delivered, read costs one message row and three status rows, where
rewriting the whole message at each change cost up to three messages. A status webhook
is written as a reference, ``["s", message row, status index, *snapshot]``
(:func:`webhook_ref`): its body is built from the message, the status and the snapshot,
as it is in memory (``wasim.platform.webhooks.StatusWebhook``), so reading it back
(:func:`rebuild_webhook`) gives the same body. Every other webhook is written whole.

Reading back, :func:`merge` puts a message's statuses (and what a status changed on the
message: its ``error`` when it failed) back into its export form, so what comes back is
the state export the server showed before.
"""

from __future__ import annotations

from typing import Any

from wasim.platform.webhooks import StatusSnapshot, StatusWebhook
from wasim.world.messages import OutboundMessage, StatusEvent

SAME = 1
"""In a status row, in place of ``pricing`` or ``conversation``: the message's own (the
status keeps the very object the message keeps)."""


def message_row(message: OutboundMessage) -> dict[str, Any]:
    """A message's export form without its statuses (they are rows of their own)."""
    return message.to_dict(statuses=False)


def status_row(message: OutboundMessage, event: StatusEvent) -> list[Any]:
    """``[status, at, pricing, conversation, errors]``: ``pricing`` and ``conversation``
    are :data:`SAME` when the status shares the message's (as ``sent`` and the first of
    delivered/read do), else what the status shows."""
    pricing: Any = SAME if (event.pricing is not None
                            and event.pricing is message.pricing) else event.pricing
    ref = message.conversation_ref
    conversation: Any = SAME if event.keeps(ref) else event.conversation
    return [event.status, event.at.isoformat(), pricing, conversation, event.errors]


def status_dict(message: dict[str, Any], row: list[Any]) -> dict[str, Any]:
    """A status's export form from its row and its message's export form."""
    status, at, pricing, conversation, errors = row
    if pricing == SAME:
        pricing = message["pricing"]
    if conversation == SAME:
        conversation = dict(message["conversation"])
        if status != "sent":
            del conversation["expiration_timestamp"]
    return {"status": status, "at": at, "pricing": pricing, "conversation": conversation,
            "errors": errors}


def merge(message: dict[str, Any], rows: list[tuple[int, list[Any]]]) -> dict[str, Any]:
    """``message`` (its export form, as stored) with the statuses of its status rows
    (``(index, row)``, in order) it does not hold yet."""
    statuses: list[dict[str, Any]] = message["statuses"]
    for index, row in rows:
        if index != len(statuses):
            continue  # held already (a message row of an older file), or a gap
        event = status_dict(message, row)
        statuses.append(event)
        if event["status"] == "failed":
            errors = event["errors"]
            message["error"] = errors[0] if errors else None
    if statuses:
        message["status"] = statuses[-1]["status"]
    return message


def webhook_ref(snapshot: StatusSnapshot, message_seq: int, index: int) -> list[Any]:
    """A status webhook as a reference to its message row and status."""
    return ["s", message_seq, index, *snapshot]


def rebuild_webhook(webhook_id: str, ref: list[Any],
                    record: OutboundMessage) -> dict[str, Any] | None:
    """The export form of a status webhook from its reference and its message (read back
    with its statuses; ``None`` when it does not hold that status)."""
    index = ref[2]
    if not 0 <= index < len(record.statuses):
        return None
    event = record.statuses[index]
    snapshot: StatusSnapshot = (ref[3], ref[4], ref[5], ref[6], ref[7], ref[8])
    payload = StatusWebhook(0, snapshot, record, event).payload
    return {"id": webhook_id, "field": "messages", "waba_id": snapshot[0],
            "payload": payload, "created_at": event.at.isoformat()}
