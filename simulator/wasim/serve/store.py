"""``wasim serve --data DIR``: the whole state kept in SQLite, written behind the requests.

A :class:`Store` owns ``DIR/wasim.sqlite3`` (the standard library's ``sqlite3``, WAL
mode). Its writer thread wakes every :data:`FLUSH_SECONDS`, takes under the simulator's
lock what changed since the last write (new messages, new statuses, new inbound messages,
webhooks and attempts, deliveries whose state moved, and the rest of the state export:
world without its message lists, clock, schedule, the features' parts), and writes it
outside the lock in one transaction. A send never waits on the disk; a ``kill -9`` loses
at most the work of the last interval (plus the write in progress).

What changed is found without walking the history: new messages are the newest entries of
the message table (walked from its end), new statuses arrive with their status webhooks
(every status reached emits one, §5.2), the journals are append-only. The rows are the
state export's own JSON (``GET /_sim/state``), in the small forms of
:mod:`wasim.serve.rows`: a message is written once, without its statuses; each status is
a short row of its own; a status webhook is a reference to its message and status, built
back on reading. History dropped from memory by ``retention_messages`` stays on disk.
:meth:`Store.restore` loads a stored state back: the newest messages, webhooks and
finished deliveries within the retention limit, every pending delivery with its retry,
the clock where it stopped (frozen if it was).

A reset or an import (the world's message table is replaced) clears the file and writes
the new state whole.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wasim.clock import parse_instant
from wasim.core import STATE_FORMAT, Core
from wasim.delivery.engine import DeliveryEngine
from wasim.platform.webhooks import StatusWebhook
from wasim.serve import people
from wasim.serve.people import ContactRow, People, WindowRow, without_people
from wasim.serve.reader import read_state
from wasim.serve.rows import (
    StatusRef,
    dumps,
    insert_many,
    message_row,
    status_row,
    webhook_rows,
)
from wasim.world.journal import Journal, Webhook
from wasim.world.messages import OutboundMessage, StatusEvent

FILE_NAME = "wasim.sqlite3"
FLUSH_SECONDS = 0.5
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
                                     data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS status_batches (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inbound (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
                                     data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
                                       pending INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (seq INTEGER PRIMARY KEY, delivery_id TEXT NOT NULL,
                                     data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts (delivery_id);
"""
KEYS_NOTE = """Messages and deliveries are keyed by their ``seq`` (the row id: a message's or
delivery's first write gives it the next number, kept for its later writes), not by their
wamid or delivery id: the writer knows the ``seq`` of everything in memory, and an index on
a wamid (random text) made each write touch a random page of an index that grows with the
history kept on disk (the send cost rose with it)."""
TABLES = ("meta", "messages", "status_batches", "inbound", "webhooks", "deliveries", "attempts")


def _new_items(items: Sequence[Any] | Journal[Any], last: Any) -> list[Any]:
    """The items after ``last`` in an append-only list whose front may be dropped (found
    from the end: no copy of what was seen before)."""
    end = len(items)
    if last is not None:
        for index in range(end - 1, -1, -1):
            if items[index] is last:
                return [items[i] for i in range(index + 1, end)]
    return [items[i] for i in range(end)]  # ``last`` was dropped: everything kept is newer


def _index(statuses: Sequence[StatusEvent], event: StatusEvent) -> int:
    """Where ``event`` is in a message's statuses (``-1``: not there)."""
    for index in range(len(statuses) - 1, -1, -1):
        if statuses[index] is event:
            return index
    return -1


class _Changes:
    """What one write carries: taken under the lock, encoded outside it (a message
    changed meanwhile is written as it is then, and again at the next flush)."""

    def __init__(self) -> None:
        self.wipe = False
        self.state: dict[str, Any] = {}
        self.messages: list[tuple[int, str, OutboundMessage]] = []
        self.statuses: list[tuple[int, int, OutboundMessage, StatusEvent]] = []
        self.status_seq = 0
        """The ``seq`` of the row that holds :attr:`statuses` (after every message's)."""
        self.inbound: list[dict[str, Any]] = []
        self.contacts: list[ContactRow] = []
        self.windows: list[WindowRow] = []
        self.webhooks: list[tuple[str, Webhook | StatusRef]] = []
        self.deliveries: list[tuple[int, str, bool, Any]] = []
        self.attempts: list[Any] = []


class Store:
    """The SQLite file of one served simulator.

    Args:
        directory: Where ``wasim.sqlite3`` lives (made if missing).
    """

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA + people.SCHEMA)
        self._people = People()
        self._core: Core | None = None
        self._engine: DeliveryEngine | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._forget()
        self._seq = self._max_seq()
        self._loaded_seqs: dict[str, int] = {}
        """The ``seq`` of each message and delivery :meth:`load` read (taken by the first
        :meth:`_take` after it)."""
        self.writes = 0

    def _forget(self) -> None:
        """What was written (reset when the file is cleared)."""
        self._messages_table: object = None
        self._status_counts: dict[str, int] = {}
        """How many statuses of each message are written."""
        self._message_seqs: dict[str, int] = {}
        self._delivery_seqs: dict[str, int] = {}
        self._last_inbound: object = None
        self._last_webhook: object = None
        self._last_attempt: object = None
        self._evicted: list[tuple[int, str, OutboundMessage]] = []
        self._evicted_statuses: list[tuple[int, int, OutboundMessage, StatusEvent]] = []
        self._people.rewrite()

    def _max_seq(self) -> int:
        row = self._db.execute("SELECT max(m) FROM (SELECT max(seq) m FROM messages UNION "
                               "SELECT max(seq) FROM deliveries UNION "
                               "SELECT max(seq) FROM status_batches)").fetchone()
        return int(row[0] or 0)

    @property
    def empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM meta WHERE key='state'").fetchone() is None

    # --- reading back ------------------------------------------------------------------

    def load(self, keep: int | None) -> dict[str, Any] | None:
        """The stored state as a state export, with the newest ``keep`` messages (``None``:
        all), or ``None`` when nothing is stored (:func:`wasim.serve.reader.read_state`)."""
        return read_state(self._db, keep, self._loaded_seqs)

    def restore(self, core: Core) -> bool:
        """Load the stored state into ``core`` (``False`` when nothing is stored)."""
        state = self.load(core.world.settings.retention_messages)
        if state is None:
            return False
        core.import_state(state)
        if state.get("clock", {}).get("frozen"):
            core.clock.freeze(parse_instant(state["clock"]["now"]))
        with core.lock:
            self._mark_written(core)
        return True

    # --- writing -----------------------------------------------------------------------

    def bind(self, core: Core, engine: DeliveryEngine | None) -> None:
        """Write ``core``'s state (and ``engine``'s deliveries) at each :meth:`flush`."""
        self._core, self._engine = core, engine
        if engine is not None:
            engine.log.watch()  # every delivery kept now is written at the first flush
        self._people.rewrite()  # what changed before it watched is written too
        self._people.watch()

    def start(self, core: Core, engine: DeliveryEngine | None) -> None:
        """Write ``core``'s state now, then every :data:`FLUSH_SECONDS` in a thread."""
        self.bind(core, engine)
        self.flush()
        self._thread = threading.Thread(target=self._run, name="wasim-store", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # a full disk must not stop the server; the next try may work
                continue

    def evicted(self, core: Core, message_ids: list[str]) -> None:
        """Called by retention (under the lock) before messages leave memory: what of
        them is not written yet (the message, statuses reached since the last flush) is
        written with the next flush."""
        messages, seqs = core.world.messages, self._message_seqs
        for message_id in message_ids:
            message = messages.get(message_id)
            if message is None:
                continue
            seq = seqs.get(message_id)
            if seq is None:
                seq = self._seq_of(seqs, message_id)
                self._evicted.append((seq, message_id, message))
            written = self._status_counts.pop(message_id, 0)
            statuses = message.statuses
            self._evicted_statuses += [(seq, index, message, statuses[index])
                                       for index in range(written, len(statuses))]

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _seq_of(self, seqs: dict[str, int], key: str) -> int:
        """The row ``seq`` of a message or delivery (a new one for its first write)."""
        seq = seqs.get(key)
        if seq is None:
            seq = seqs[key] = self._loaded_seqs.pop(key, 0) or self._next_seq()
        return seq

    def flush(self) -> int:
        """Write what changed since the last flush; returns how many rows."""
        core = self._core
        if core is None:
            return 0
        with self._write_lock:
            with core.lock:
                changes = self._take(core)
            return self._write(changes)

    def close(self) -> None:
        """Stop the writer after a last flush."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()
        self._people.unwatch()
        if self._engine is not None:
            self._engine.log.unwatch()
        self._db.close()

    def _mark_written(self, core: Core) -> None:
        self._take(core)  # everything loaded is on disk already

    def _take(self, core: Core) -> _Changes:
        changes = _Changes()
        world = core.world
        if world.messages is not self._messages_table:
            changes.wipe = self._messages_table is not None
            self._forget()
            if self._engine is not None and changes.wipe:
                self._engine.log.watch()  # the file is cleared: every delivery again
            self._messages_table = world.messages
        changes.messages, self._evicted = self._evicted, []
        changes.statuses, self._evicted_statuses = self._evicted_statuses, []
        self._take_messages(world.messages, changes)
        self._take_webhooks(core, changes)
        if changes.statuses:
            changes.status_seq = self._next_seq()
        inbound = _new_items(world.inbound, self._last_inbound)
        changes.inbound = [m.to_dict() for m in inbound]
        if world.inbound:
            self._last_inbound = world.inbound[-1]
        changes.contacts, changes.windows = self._people.take(world)
        parts = core.export_parts(skip="deliveries")
        changes.state = {"format": STATE_FORMAT, "clock": core.clock.to_dict(),
                         "world": without_people(world), "schedule": core.schedule.to_list(),
                         "webhooks": [], "parts": parts}
        engine = self._engine
        if engine is not None and core.sink is engine:
            self._take_deliveries(engine, changes)
        return changes

    def _take_messages(self, messages: dict[str, OutboundMessage],
                       changes: _Changes) -> None:
        """The messages not seen before (the newest of the table, walked from its end),
        with the statuses they hold already."""
        seqs, counts = self._message_seqs, self._status_counts
        new = []
        for message_id in reversed(messages):
            if message_id in seqs:
                break
            new.append(message_id)
        for message_id in reversed(new):
            message = messages[message_id]
            seq = self._seq_of(seqs, message_id)
            changes.messages.append((seq, message_id, message))
            statuses = message.statuses
            changes.statuses += [(seq, index, message, statuses[index])
                                 for index in range(len(statuses))]
            counts[message_id] = len(statuses)
        if len(seqs) > 2 * len(messages) + 1000:  # gone from memory: forget them
            self._message_seqs = {k: seqs[k] for k in messages if k in seqs}
            self._status_counts = {k: counts[k] for k in messages if k in counts}

    def _take_webhooks(self, core: Core, changes: _Changes) -> None:
        """The new webhooks; a status webhook of a written message is written as a
        reference, and brings its status if that is not written yet."""
        webhooks = core.webhooks
        new = _new_items(webhooks, self._last_webhook)
        if len(webhooks):
            self._last_webhook = webhooks[len(webhooks) - 1]
        seqs, counts = self._message_seqs, self._status_counts
        for webhook in new:
            if type(webhook) is StatusWebhook:
                snapshot, message, event = webhook.source()
                seq = seqs.get(message.id)
                index = -1 if seq is None else _index(message.statuses, event)
                if seq is not None and index >= 0:
                    if index >= counts.get(message.id, 0):
                        changes.statuses.append((seq, index, message, event))
                        counts[message.id] = index + 1
                    changes.webhooks.append((webhook.id, (snapshot, seq, index)))
                    continue
            changes.webhooks.append((webhook.id, webhook))

    def _take_deliveries(self, engine: DeliveryEngine, changes: _Changes) -> None:
        """The deliveries created or moved since the last take (the log notes them: the
        cost follows what changed, not how many the log keeps), and the new attempts."""
        changes.state["delivery_seq"] = engine.log.seq
        seqs = self._delivery_seqs
        changes.deliveries = [(self._seq_of(seqs, d.id), d.id, d.pending, d)
                              for d in engine.log.take_changed()]
        deliveries = engine.deliveries
        if len(seqs) > 2 * len(deliveries) + 1000:  # trimmed from the log: forget them
            self._delivery_seqs = {k: seqs[k] for k in deliveries if k in seqs}
        attempts = engine.attempts
        new = _new_items(attempts, self._last_attempt)
        changes.attempts = new
        if attempts:
            self._last_attempt = attempts[-1]

    def _write(self, changes: _Changes) -> int:
        db = self._db
        db.execute("BEGIN")
        try:
            if changes.wipe:
                for table in TABLES + people.TABLES:
                    db.execute(f"DELETE FROM {table}")
            rows = [(seq, message_id, message_row(message, dumps))
                    for seq, message_id, message in changes.messages]
            insert_many(db, "INSERT OR REPLACE INTO messages (seq, id, data) VALUES", rows)
            if changes.statuses:
                db.execute("INSERT INTO status_batches (seq, data) VALUES (?, ?)",
                           (changes.status_seq, dumps(
                               [[seq, index, status_row(message, event)]
                                for seq, index, message, event in changes.statuses])))
            insert_many(db, "INSERT INTO inbound (data) VALUES",
                        [(dumps(m),) for m in changes.inbound])
            written = people.write(db, changes.contacts, changes.windows, dumps)
            wrows = webhook_rows(changes.webhooks, dumps)
            insert_many(db, "INSERT INTO webhooks (id, data) VALUES", wrows)
            drows = [(seq, delivery_id, int(pending), dumps(delivery.to_dict()))
                     for seq, delivery_id, pending, delivery in changes.deliveries]
            insert_many(db, "INSERT OR REPLACE INTO deliveries (seq, id, pending, data) VALUES",
                        drows)
            insert_many(db, "INSERT INTO attempts (delivery_id, data) VALUES",
                        [(a.delivery_id, dumps(a.to_dict())) for a in changes.attempts])
            db.execute("INSERT INTO meta (key, value) VALUES ('state', ?) ON CONFLICT(key) "
                       "DO UPDATE SET value = excluded.value", (dumps(changes.state),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.writes += 1
        return (len(rows) + bool(changes.statuses) + len(changes.inbound)
                + len(wrows) + len(drows) + len(changes.attempts) + written)
