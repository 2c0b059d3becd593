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

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from wasim.clock import parse_instant
from wasim.platform.charging import MessageConversation
from wasim.platform.webhooks import StatusSnapshot, StatusWebhook
from wasim.world.journal import Webhook
from wasim.world.messages import OutboundMessage, StatusEvent

try:
    import orjson
except ImportError:  # another interpreter than CPython: the standard library
    orjson = None  # type: ignore[assignment]

MICROSECOND = timedelta(microseconds=1)
SAME = 1
"""In a status row, in place of ``pricing`` or ``conversation``: the message's own (the
status keeps the very object the message keeps)."""


def message_row(message: OutboundMessage, dumps: Callable[[Any], str]) -> str:
    """A message's export form without its statuses (they are rows of their own), as
    JSON text: its body's JSON is put in as the message keeps it, not parsed and
    written again; a per-message conversation (§5.2, v23.0 and older: its id and expiry
    follow from the message's id and send time) as ``["m", origin]``."""
    row = message.to_dict(bare=True)
    ref = message.conversation_ref
    if (type(ref) is MessageConversation and ref.message_id == message.id
            and ref.sent_at is message.created_at):
        row["conversation"] = ["m", ref.origin]
    else:
        row["conversation"] = message.conversation
    body = message.body_json()
    if body is None:
        row["body"] = message.body
        return dumps(row)
    return f'{dumps(row)[:-1]},"body":{body}}}'


def read_message(row: dict[str, Any]) -> dict[str, Any]:
    """A message row back in its export form (its statuses: :func:`merge`)."""
    conversation = row.get("conversation")
    if type(conversation) is list:
        row["conversation"] = MessageConversation(
            row["id"], parse_instant(row["created_at"]), conversation[1]).as_dict()
    return row


def status_row(message: OutboundMessage, event: StatusEvent) -> list[Any]:
    """``[status, at, pricing, conversation, errors]``: ``at`` as microseconds after the
    message's ``created_at`` (ISO text if its zone differs); ``pricing`` and
    ``conversation`` are :data:`SAME` when the status shares the message's (as ``sent``
    and the first of delivered/read do), else what the status shows."""
    pricing: Any = SAME if (event.pricing is not None
                            and event.pricing is message.pricing) else event.pricing
    ref = message.conversation_ref
    conversation: Any = SAME if event.keeps(ref) else event.conversation
    at, sent_at = event.at, message.created_at
    when: Any = ((at - sent_at) // MICROSECOND if at.tzinfo is sent_at.tzinfo
                 else at.isoformat())
    return [event.status, when, pricing, conversation, event.errors]


def status_dict(message: dict[str, Any], row: list[Any]) -> dict[str, Any]:
    """A status's export form from its row and its message's export form."""
    status, at, pricing, conversation, errors = row
    if type(at) is int:
        at = (parse_instant(message["created_at"]) + at * MICROSECOND).isoformat()
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


StatusRef = tuple[StatusSnapshot, int, int]
"""A status webhook to write: its snapshot, its message's row ``seq``, its status index."""


def webhook_batch(refs: list[tuple[str, StatusRef]]) -> list[Any]:
    """Status webhooks emitted one after another, as one row:
    ``["S", [[id, message seq, status index, snapshot index], ...], [snapshot, ...]]``
    (each snapshot written once; a conversation's webhooks share one)."""
    snapshots: dict[StatusSnapshot, int] = {}
    entries = []
    for webhook_id, (snapshot, seq, index) in refs:
        at = snapshots.get(snapshot)
        if at is None:
            at = snapshots[snapshot] = len(snapshots)
        entries.append([webhook_id, seq, index, at])
    return ["S", entries, list(snapshots)]


def expand(webhook_id: str, data: Any) -> list[tuple[str, Any]]:
    """The webhooks one row holds, as ``(id, whole export form)`` or ``(id, StatusRef)``:
    a whole webhook, one reference (``["s", seq, index, *snapshot]``) or a batch."""
    if type(data) is not list:
        return [(webhook_id, data)]
    if data[0] == "s":
        return [(webhook_id, (tuple(data[3:9]), data[1], data[2]))]
    snapshots = [tuple(s) for s in data[2]]
    return [(e[0], (snapshots[e[3]], e[1], e[2])) for e in data[1]]


def rebuild_webhook(webhook_id: str, ref: StatusRef,
                    record: OutboundMessage) -> dict[str, Any] | None:
    """The export form of a status webhook from its reference and its message (read back
    with its statuses; ``None`` when it does not hold that status)."""
    snapshot, _, index = ref
    if not 0 <= index < len(record.statuses):
        return None
    event = record.statuses[index]
    payload = StatusWebhook(0, snapshot, record, event).payload
    return {"id": webhook_id, "field": "messages", "waba_id": snapshot[0],
            "payload": payload, "created_at": event.at.isoformat()}


def webhook_rows(webhooks: list[tuple[str, Webhook | StatusRef]],
                 dumps: Callable[[Any], str]) -> list[tuple[str, str]]:
    """The rows of ``webhooks``, in order: each run of status webhooks one row."""
    rows: list[tuple[str, str]] = []
    run: list[tuple[str, StatusRef]] = []
    for webhook_id, webhook in webhooks:
        if isinstance(webhook, tuple):
            run.append((webhook_id, webhook))
            continue
        if run:
            rows.append((run[0][0], dumps(webhook_batch(run))))
            run = []
        rows.append((webhook_id, dumps(webhook.to_dict())))
    if run:
        rows.append((run[0][0], dumps(webhook_batch(run))))
    return rows


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> str:
    """A row's JSON text: orjson's when it is installed (the writer encodes two or three
    rows per send, and the standard library took about half of its time), else the
    standard library's; a value orjson refuses (a whole number past 64 bits, a key that
    is not a string) goes the standard library's way."""
    if orjson is not None:
        try:
            return orjson.dumps(value).decode()
        except TypeError:
            pass
    return _ENCODER.encode(value)


VARIABLES = 3000 if sqlite3.sqlite_version_info >= (3, 32) else 999
"""Values bound in one statement of :func:`insert_many` (SQLite allows 32,766 since 3.32,
999 before)."""


def insert_many(db: sqlite3.Connection, head: str, rows: Sequence[tuple[Any, ...]],
                tail: str = "") -> None:
    """``{head} (?, ...), (?, ...) {tail}`` for every row of ``rows``, as many rows per
    statement as :data:`VARIABLES` allows, not one statement per row: Python's sqlite3
    lets go of the GIL around every statement it runs and waits to get it back, and
    behind a busy server each wait took up to the switch interval (1 ms), so a flush
    written row by row fell seconds behind under load (``bench/soak.py --data DIR
    --probe``: writes of 23 s)."""
    if not rows:
        return
    width = len(rows[0])
    step = max(1, VARIABLES // width)
    one = "(" + ",".join("?" * width) + ")"
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        db.execute(f"{head} {','.join([one] * len(chunk))} {tail}",
                   [value for row in chunk for value in row])
