"""Reading a ``wasim serve --data`` file back as a state export (:mod:`wasim.serve.store`).

The newest messages within the retention limit with their status rows merged in, the
newest webhooks (status webhooks written as references built back from their messages,
:mod:`wasim.serve.rows`), every pending delivery and the newest finished ones with their
attempts.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from wasim.serve import people
from wasim.serve.rows import expand, merge, read_message, rebuild_webhook
from wasim.world.messages import OutboundMessage


def read_state(db: sqlite3.Connection, keep: int | None,
               loaded: dict[str, int]) -> dict[str, Any] | None:
    """The stored state as a state export, with the newest ``keep`` messages (``None``:
    all), or ``None`` when nothing is stored; ``loaded`` is told the row ``seq`` of each
    message and delivery read."""
    row = db.execute("SELECT value FROM meta WHERE key='state'").fetchone()
    if row is None:
        return None
    state: dict[str, Any] = json.loads(row[0])
    people.read(db, state["world"])
    limit = -1 if keep is None else keep
    messages = _messages(db, "ORDER BY seq DESC LIMIT ?", [limit])
    state["world"]["messages"] = [messages[seq] for seq in sorted(messages)]
    loaded.update((m["id"], seq) for seq, m in messages.items())
    state["world"]["inbound"] = _rows(
        db, "SELECT data FROM inbound ORDER BY seq DESC LIMIT ?", limit)
    state["webhooks"] = _webhooks(db, -1 if keep is None else keep * 4, messages)
    finished = 1 << 62 if keep is None else keep * 4
    found = sorted(db.execute(
        "SELECT seq, data FROM deliveries WHERE pending = 1 UNION ALL SELECT * FROM "
        "(SELECT seq, data FROM deliveries WHERE pending = 0 ORDER BY seq DESC LIMIT ?)",
        (finished,)))
    deliveries = [json.loads(data) for _, data in found]
    loaded.update((d["id"], seq) for d, (seq, _) in zip(deliveries, found, strict=True))
    wanted = [d["id"] for d in deliveries]
    attempts: list[tuple[int, str]] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        attempts += db.execute(
            f"SELECT seq, data FROM attempts WHERE delivery_id IN ({marks})",
            chunk).fetchall()
    attempts.sort()
    if "delivery_seq" in state or deliveries:
        state.setdefault("parts", {})["deliveries"] = {
            "deliveries": deliveries,
            "attempts": [json.loads(data) for _, data in attempts],
            "seq": state.pop("delivery_seq", len(deliveries))}
    return state


def _rows(db: sqlite3.Connection, query: str, limit: int) -> list[dict[str, Any]]:
    """The rows of a newest-first ``query``, oldest first."""
    rows = [json.loads(row[0]) for row in db.execute(query, (limit,))]
    rows.reverse()
    return rows


def _messages(db: sqlite3.Connection, where: str, args: list[Any]) -> dict[int, dict[str, Any]]:
    """The message rows ``where`` picks, by ``seq`` (without the statuses of later rows:
    :func:`_merge_statuses`)."""
    return {seq: read_message(json.loads(data)) for seq, data in db.execute(
        f"SELECT seq, data FROM messages {where}", args)}


def _merge_statuses(db: sqlite3.Connection, found: dict[int, dict[str, Any]]) -> None:
    """Put into each of ``found`` the statuses of the status rows. A row of statuses is
    written after the rows of their messages (its ``seq`` is higher), so only the rows
    after the oldest of ``found`` are read."""
    if not found:
        return
    rows: dict[int, list[tuple[int, list[Any]]]] = {}
    for (data,) in db.execute("SELECT data FROM status_batches WHERE seq > ? ORDER BY seq",
                              (min(found),)):
        for seq, index, row in json.loads(data):
            if seq in found:
                rows.setdefault(seq, []).append((index, row))
    for seq, message in found.items():
        merge(message, rows.get(seq, []))


def _newest_webhooks(db: sqlite3.Connection, limit: int) -> list[tuple[str, Any]]:
    """The newest ``limit`` webhooks (``-1``: all), oldest first, as :func:`expand`
    gives them."""
    held: list[list[tuple[str, Any]]] = []
    count = 0
    for webhook_id, data in db.execute("SELECT id, data FROM webhooks ORDER BY seq DESC"):
        if 0 <= limit <= count:
            break
        held.append(expand(webhook_id, json.loads(data)))
        count += len(held[-1])
    webhooks = [webhook for row in reversed(held) for webhook in row]
    return webhooks if limit < 0 else webhooks[max(0, len(webhooks) - limit):]


def _webhooks(db: sqlite3.Connection, limit: int,
              found: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest ``limit`` webhooks, oldest first; a status webhook written as a
    reference is built back from its message (``found``, or read for it). Merges the
    statuses into ``found`` (and the messages read for it)."""
    rows = _newest_webhooks(db, limit)
    wanted = sorted({data[1] for _, data in rows if type(data) is tuple} - set(found))
    messages = dict(found)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        messages.update(_messages(db, f"WHERE seq IN ({','.join('?' * len(chunk))})",
                                  chunk))
    _merge_statuses(db, messages)
    records: dict[int, OutboundMessage] = {}
    webhooks = []
    for webhook_id, data in rows:
        if type(data) is not tuple:
            webhooks.append(data)
            continue
        message = messages.get(data[1])
        if message is None:
            continue  # its message row is missing: nothing to build it from
        record = records.get(data[1])
        if record is None:
            record = records[data[1]] = OutboundMessage.from_dict(message)
        built = rebuild_webhook(webhook_id, data, record)
        if built is not None:
            webhooks.append(built)
    return webhooks
