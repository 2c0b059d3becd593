"""The Python twin of the control surface: the same verbs on a ``Simulator``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from wasim import Simulator
from wasim.errors import GraphError

from tests.conftest import ANA, START, template_message, text_message

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def chatting(sim: Simulator) -> Simulator:
    sim.customer("ana").says("hi")
    return sim


def test_a_customer_says_something_and_the_window_opens(sim: Simulator) -> None:
    message = sim.customer("ana").says("Where is my parcel?")
    assert (message.from_wa_id, message.type) == (ANA, "text")
    assert sim.received[-1].id == message.id
    assert sim.window("ana") == {"open": True, "last_inbound": "2026-01-05T09:00:00+00:00",
                                 "closes_at": "2026-01-06T09:00:00+00:00"}


def test_messages_filter_like_the_control_route(chatting: Simulator) -> None:
    text = chatting.send(text_message())["messages"][0]["id"]
    template = chatting.send(template_message("hello_world", to="34612340002"))[
        "messages"][0]["id"]
    assert [m.id for m in chatting.messages(to="ana")] == [text]
    assert [m.id for m in chatting.messages(type="template")] == [template]
    assert [m.id for m in chatting.messages(status="delivered")] == [text, template]
    assert chatting.messages(status="read") == []


def test_set_status_moves_forward_only(chatting: Simulator) -> None:
    wamid = chatting.send(text_message())["messages"][0]["id"]
    assert chatting.set_status(wamid, "read").status == "read"
    with pytest.raises(GraphError) as caught:
        chatting.set_status(wamid, "delivered")
    assert caught.value.code == 100


def test_set_status_failed_carries_the_code(chatting: Simulator) -> None:
    chatting.world.settings.update({"delivered_after": None})
    wamid = chatting.send(text_message())["messages"][0]["id"]
    failed = chatting.set_status(wamid, "failed", code=131026)
    assert failed.error is not None and failed.error["code"] == 131026


def test_reset_forgets_everything_but_the_world(chatting: Simulator) -> None:
    chatting.send(text_message())
    chatting.reset()
    assert len(chatting.sent) == 0
    assert len(chatting.webhooks) == 0
    assert chatting.window("ana")["open"] is False
    assert "16505551234" in chatting.world.first_account().contacts


def test_clock_verbs(sim: Simulator) -> None:
    sim.advance("25h")
    assert sim.now() == T0 + timedelta(hours=25)
    sim.advance(hours=1, minutes=30)
    assert sim.now() == T0 + timedelta(hours=26, minutes=30)
    sim.set_time("2026-01-01T00:00:00Z")  # back in time is a jump, not an advance
    assert sim.now() == datetime(2026, 1, 1, tzinfo=UTC)
    sim.freeze("2026-02-01T00:00:00Z")
    assert sim.clock.frozen and sim.now() == datetime(2026, 2, 1, tzinfo=UTC)
    sim.unfreeze()
    assert not sim.clock.frozen


def test_an_export_is_json_and_carries_pending_work_to_another_simulator() -> None:
    first = Simulator(now=START, seed=5, settings={"delivered_after": 60})
    first.customer("ana").says("hi")
    wamid = first.send(text_message())["messages"][0]["id"]
    state = json.loads(json.dumps(first.export_state()))
    second = Simulator(now="2030-01-01T00:00:00Z", seed=9)
    second.import_state(state)
    assert second.now() == T0
    assert second.message(wamid).status == "sent"
    second.advance("60s")
    assert second.message(wamid).status == "delivered"
    assert first.message(wamid).status == "sent"


def test_a_foreign_export_is_refused(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.import_state({"format": 99})
    assert caught.value.code == 100


def test_two_simulators_share_nothing() -> None:
    one, two = Simulator(now=START), Simulator(now=START)
    one.customer("ana").says("hi")
    one.advance("1h")
    assert two.window("ana")["open"] is False
    assert two.now() == T0
    assert len(two.received) == 0
