"""``wasim serve --data``: the state written to SQLite comes back whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from wasim import Simulator
from wasim.serve.retention import Retention
from wasim.serve.store import Store

from tests.conftest import ANA, START, text_message


def _sim(**settings: Any) -> Simulator:
    return Simulator(now=START, seed=7, settings={"throughput_limit": False,
                                                  "pair_rate_limit": False, **settings})


def _busy(sim: Simulator, sends: int = 5) -> None:
    sim.inbound(ANA, "hi", name="Ana")
    for i in range(sends):
        sim.send(text_message(body=f"m{i}"))
    sim.templates.create(sim.waba_id, {
        "name": "persisted_one", "language": "en_US", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Thanks for your order"}]})
    sim.advance("2m")


def _without_clock(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != "clock"}


def _started(sim: Simulator, directory: Path) -> Store:
    """A store in ``directory`` writing ``sim``'s state (no delivery engine)."""
    store = Store(directory)
    store.start(sim._core, None)
    return store


def _restored_equal(sim: Simulator, directory: Path) -> Simulator:
    """A fresh simulator restored from ``directory``, asserted to export what ``sim``
    exports (the clock aside)."""
    again = _sim()
    Store(directory).restore(again._core)
    assert _without_clock(again.export_state()) == _without_clock(sim.export_state())
    return again


def test_a_stored_state_comes_back_equal(tmp_path: Path) -> None:
    sim = _sim()
    store = _started(sim, tmp_path)
    _busy(sim)
    store.close()
    again = _sim()
    assert Store(tmp_path).restore(again._core) is True
    assert _without_clock(again.export_state()) == _without_clock(sim.export_state())
    assert again.now() >= sim.now()
    assert again.templates.every()[-1]["name"] == "persisted_one"


def test_pending_deliveries_and_their_retries_survive(tmp_path: Path) -> None:
    sim = _sim()
    engine = sim.attach(lambda headers, body: 503)
    store = Store(tmp_path)
    store.start(sim._core, engine)
    _busy(sim, 2)
    engine.flush()
    pending = sorted(d.id for d in engine.pending())
    assert pending
    store.close()
    engine.close()

    again = _sim()
    Store(tmp_path).restore(again._core)
    received: list[bytes] = []
    engine = again.attach(lambda headers, body: received.append(body))
    try:
        assert sorted(d.id for d in engine.pending()) == pending
        assert engine.retry_now() == len(pending)
        assert engine.flush()
        assert engine.pending() == [] and len(received) == len(pending)
    finally:
        engine.close()


def test_a_frozen_clock_stays_frozen(tmp_path: Path) -> None:
    sim = _sim()
    sim.freeze()
    store = _started(sim, tmp_path)
    store.close()
    again = _sim()
    again.unfreeze()
    Store(tmp_path).restore(again._core)
    assert again.clock.frozen and again.now() == sim.now()


def test_history_dropped_by_retention_stays_on_disk(tmp_path: Path) -> None:
    sim = _sim(retention_messages=100)
    sim.inbound(ANA, "hi")
    store = _started(sim, tmp_path)
    retention = Retention(sim._core, lambda: None, lambda ids: store.evicted(sim._core, ids))
    sent = [sim.send(text_message(body=f"m{i}"))["messages"][0]["id"] for i in range(150)]
    retention.trim()
    store.close()
    assert len(sim.world.messages) == 100
    with sqlite3.connect(tmp_path / "wasim.sqlite3") as db:
        stored = [r[0] for r in db.execute("SELECT id FROM messages ORDER BY seq")]
    assert stored == sent
    again = _sim(retention_messages=100)
    Store(tmp_path).restore(again._core)
    assert list(again.world.messages) == sent[50:]


def test_a_reset_clears_the_file(tmp_path: Path) -> None:
    sim = _sim()
    store = _started(sim, tmp_path)
    _busy(sim)
    store.flush()
    sim.reset()
    store.close()
    again = _sim()
    Store(tmp_path).restore(again._core)
    assert again.world.messages == {} and len(again.webhooks) == 0


def test_a_message_changed_after_a_restart_is_still_one_row(tmp_path: Path) -> None:
    sim = _sim()
    sim.set_progression("manual")
    sim.inbound(ANA, "hi")
    store = _started(sim, tmp_path)
    sent = [sim.send(text_message(body=f"m{i}"))["messages"][0]["id"] for i in range(3)]
    store.close()
    again = _sim()
    second = Store(tmp_path)
    second.restore(again._core)
    second.start(again._core, None)
    again.set_status(sent[1], "read")
    again.send(text_message(body="after"))
    second.close()
    with sqlite3.connect(tmp_path / "wasim.sqlite3") as db:
        rows = db.execute("SELECT id, seq FROM messages ORDER BY seq").fetchall()
    read = [row for seq, _, row in _statuses(tmp_path) if seq == rows[1][1]]
    assert [r[0] for r in rows][:3] == sent and len(rows) == 4
    assert read[-1][0] == "read"
    third = _sim()
    Store(tmp_path).restore(third._core)
    assert third.message(sent[1]).status == "read"
    assert list(third.world.messages)[:3] == sent


def _rows(tmp_path: Path, query: str) -> list[Any]:
    with sqlite3.connect(tmp_path / "wasim.sqlite3") as db:
        return db.execute(query).fetchall()


def _statuses(tmp_path: Path) -> list[Any]:
    """Every status row written, ``(message seq, index, row)``, in writing order."""
    return [tuple(entry) for (data,) in _rows(
        tmp_path, "SELECT data FROM status_batches ORDER BY seq") for entry in json.loads(data)]


def test_statuses_reached_across_flushes_are_rows_of_their_own(tmp_path: Path) -> None:
    sim = _sim()
    sim.set_progression("manual")
    sim.inbound(ANA, "hi", name="Ana")
    store = _started(sim, tmp_path)
    sent = [sim.send(text_message(body=f"m{i}"))["messages"][0]["id"] for i in range(3)]
    store.flush()
    assert sim.message(sent[0]).status == "sent"  # manual: sent, then only what is set
    for status in ("delivered", "read"):
        sim.set_status(sent[0], status)
        store.flush()
    sim.set_status(sent[1], "failed", code=131026)
    sim.advance("1m")
    store.close()
    # one row per message, written once; one row per status; status webhooks as references
    assert [r[0] for r in _rows(tmp_path, "SELECT id FROM messages ORDER BY seq")] == sent
    first = _rows(tmp_path, "SELECT seq FROM messages ORDER BY seq")[0][0]
    assert [(i, row[0]) for seq, i, row in _statuses(tmp_path) if seq == first] == [
        (0, "sent"), (1, "delivered"), (2, "read")]
    batches = [json.loads(r[0]) for r in _rows(tmp_path, "SELECT data FROM webhooks")]
    refs = [entry for b in batches if isinstance(b, list) and b[0] == "S" for entry in b[1]]
    assert len(refs) == 6  # 3 sent, delivered, read, failed: all written as references
    again = _restored_equal(sim, tmp_path)
    assert again.message(sent[0]).status == "read"
    failed = again.message(sent[1])
    assert failed.status == "failed" and failed.error is not None
    assert failed.error["code"] == 131026
    assert again.message(sent[2]).status == "sent"


def test_evicted_history_comes_back_whole_from_disk(tmp_path: Path) -> None:
    sim = _sim(retention_messages=100)
    sim.inbound(ANA, "hi", name="Ana")
    store = _started(sim, tmp_path)
    retention = Retention(sim._core, lambda: None, lambda ids: store.evicted(sim._core, ids))
    for i in range(150):
        sim.send(text_message(body=f"m{i}"))
        if i % 40 == 0:
            store.flush()
    whole = sim.export_state()  # before eviction: every message and webhook
    retention.trim()
    store.close()
    assert len(sim.world.messages) == 100
    everything = Store(tmp_path).load(None)
    assert everything is not None
    assert everything["world"]["messages"] == whole["world"]["messages"]
    assert everything["webhooks"] == whole["webhooks"]


def test_a_reset_empties_every_table(tmp_path: Path) -> None:
    sim = _sim()
    store = _started(sim, tmp_path)
    _busy(sim)
    store.flush()
    assert _statuses(tmp_path)
    sim.reset()
    store.close()
    for table in ("messages", "status_batches", "webhooks"):
        assert _rows(tmp_path, f"SELECT count(*) FROM {table}")[0][0] == 0


def test_every_kind_of_conversation_and_status_time_comes_back(tmp_path: Path) -> None:
    sim = _sim(read_after=30)
    sim.inbound(ANA, "hi", name="Ana")
    store = _started(sim, tmp_path)
    sim.send(text_message(body="v23: a per-message conversation"), api_version="v23.0")
    sim.send(text_message(body="v24: none"), api_version="v24.0")
    sim.send(text_message(body="tagged", biz_opaque_callback_data="order-7"))
    store.flush()
    sim.advance("45s")  # read 30 s after delivered: a status time after the send's
    store.close()
    sent = sim.messages()
    assert {m.status for m in sent} == {"read"}
    assert sent[0].conversation is not None and sent[1].conversation is None
    _restored_equal(sim, tmp_path)


def test_contacts_and_windows_are_rows_written_when_they_change(tmp_path: Path) -> None:
    sim = _sim()
    store = _started(sim, tmp_path)
    customers = [f"1650555{i:04d}" for i in range(200)]
    for number in customers:
        sim.inbound(number, "hi", name=f"N{number[-3:]}")
    store.flush()
    assert _rows(tmp_path, "SELECT count(*) FROM contacts")[0][0] >= 200
    state = json.loads(_rows(tmp_path, "SELECT value FROM meta WHERE key='state'")[0][0])
    assert state["world"]["windows"] == []
    assert all(a["contacts"] == [] for a in state["world"]["accounts"])
    before = _rows(tmp_path, "SELECT seq, wa_id FROM contacts ORDER BY seq")
    sim.set_contact(customers[5], opted_out_marketing=True)  # changed in place
    sim.inbound(customers[7], "again", name="Renamed")  # a window moved, a name changed
    store.flush()
    store.close()
    assert _rows(tmp_path, "SELECT seq, wa_id FROM contacts ORDER BY seq") == before
    stored = dict(_rows(tmp_path, "SELECT wa_id, data FROM contacts"))
    assert json.loads(stored[customers[5]])["opted_out_marketing"] is True
    assert json.loads(stored[customers[7]])["name"] == "Renamed"
    _restored_equal(sim, tmp_path)


def test_a_flush_writes_only_the_customers_that_changed(tmp_path: Path) -> None:
    sim = _sim()
    store = _started(sim, tmp_path)
    for i in range(300):
        sim.inbound(f"1650777{i:04d}", "hi")
    store.flush()
    sim.inbound("16507770003", "one more")
    # the window it moved, the inbound message, its webhook: not the other 299 customers
    assert store.flush() == 3
    store.close()


def test_statuses_reached_after_a_restart_are_written_after_the_old_ones(
        tmp_path: Path) -> None:
    sim = _sim()
    sim.set_progression("manual")
    sim.inbound(ANA, "hi")
    store = _started(sim, tmp_path)
    sent = sim.send(text_message(body="before"))["messages"][0]["id"]
    store.flush()  # the message's row, then a row of its statuses
    sim.set_status(sent, "delivered")
    store.close()  # another row of statuses, numbered after the first
    again = _sim()
    second = Store(tmp_path)
    second.restore(again._core)
    second.start(again._core, None)
    again.set_status(sent, "read")  # a flush with statuses and no new message
    second.close()
    third = _sim()
    Store(tmp_path).restore(third._core)
    assert [s.status for s in third.message(sent).statuses] == ["sent", "delivered", "read"]
    assert _without_clock(third.export_state()) == _without_clock(again.export_state())


def test_a_flush_writes_only_the_deliveries_that_moved(tmp_path: Path) -> None:
    sim = _sim()
    answers = [200]
    engine = sim.attach(lambda headers, body: answers[0])
    store = Store(tmp_path)
    store.start(sim._core, engine)
    try:
        _busy(sim, 20)
        assert engine.flush()
        store.flush()
        kept = len(engine.deliveries)
        assert kept > 40
        assert store.flush() == 0  # nothing moved: no delivery row, whatever the log keeps
        answers[0] = 500
        sim.send(text_message(body="one more"))
        assert engine.flush()
        # its sent and delivered webhooks: two deliveries, each failed at once and on the
        # immediate retry, now waiting for the next; only they are written
        count = "SELECT (SELECT count(*) FROM deliveries), (SELECT count(*) FROM attempts)"
        deliveries, attempts = _rows(tmp_path, count)[0]
        store.flush()
        assert _rows(tmp_path, count)[0] == (deliveries + 2, attempts + 4)
        assert store.flush() == 0
        store.close()
        rows = [json.loads(data) for (data,) in _rows(
            tmp_path, "SELECT data FROM deliveries WHERE pending = 1")]
        assert [(r["state"], r["attempts"]) for r in rows] == [("retrying", 2)] * 2
    finally:
        engine.close()


def test_the_log_notes_moved_deliveries_only_while_a_writer_watches() -> None:
    sim = _sim()
    engine = sim.attach(lambda headers, body: 200)
    try:
        _busy(sim, 2)
        assert engine.flush()
        log = engine.log
        assert log.changed is None and log.take_changed() == []
        log.watch()
        assert [d.id for d in log.take_changed()] == list(engine.deliveries)
        assert log.take_changed() == []
        sim.send(text_message(body="again"))
        assert engine.flush()
        # its sent and delivered webhooks: two deliveries, both delivered
        assert [d.state for d in log.take_changed()] == ["delivered", "delivered"]
        log.unwatch()
        sim.send(text_message(body="unwatched"))
        assert engine.flush() and log.changed is None
    finally:
        engine.close()
