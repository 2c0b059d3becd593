"""Status webhooks are kept compact (what their body is made from) and built when read:
every read, listing and delivery shows the same bytes, and nothing read is kept."""

from __future__ import annotations

import json

import httpx
from wasim import Simulator
from wasim.delivery.engine import attach
from wasim.platform.webhooks import (
    InboundWebhook,
    StatusWebhook,
    encode,
    inbound_snapshot,
    sign,
    status_snapshot,
)

from tests.conftest import ANA, text_message
from tests.webhooks.helpers import SECRET, Receiver


def _status_webhooks(sim: Simulator) -> list[StatusWebhook]:
    found = [w for w in sim.webhooks if isinstance(w, StatusWebhook)]
    assert found, "the send emitted no status webhook"
    return found


def test_a_listed_status_webhook_is_byte_for_byte_the_delivered_body(
        sim: Simulator, client: httpx.Client) -> None:
    receiver = Receiver()
    engine = attach(sim, receiver)
    try:
        sim.inbound(ANA, "hi")
        sim.send(text_message(biz_opaque_callback_data="order-7"))
        sim.advance("1m")
        assert engine.flush()
    finally:
        engine.close()
    compact = _status_webhooks(sim)
    delivered = [body for _, body in receiver.posts if b'"statuses"' in body]
    assert [encode(w.payload) for w in compact] == delivered
    for (headers, body) in receiver.posts:
        if body in delivered:
            assert headers["X-Hub-Signature-256"] == sign(body, SECRET)
    listed = client.get("/_sim/webhooks").json()["data"]
    by_id = {item["id"]: item for item in listed}
    for webhook, body in zip(compact, delivered, strict=True):
        assert by_id[webhook.id]["payload"] == json.loads(body)
        assert by_id[webhook.id]["field"] == "messages"
    statuses = [json.loads(b)["entry"][0]["changes"][0]["value"]["statuses"][0]
                for b in delivered]
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    assert {s["biz_opaque_callback_data"] for s in statuses} == {"order-7"}


def test_each_read_builds_a_fresh_equal_body_and_keeps_none(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    sim.send(text_message())
    webhook = _status_webhooks(sim)[0]
    first = webhook.payload
    first["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "tampered"
    second = webhook.payload
    assert second is not first
    assert second["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] == "sent"
    assert webhook.value == second["entry"][0]["changes"][0]["value"]
    assert webhook == next(w for w in sim.webhooks if w.id == webhook.id)
    assert webhook.to_dict()["payload"] == second


def test_a_later_profile_name_change_leaves_earlier_status_webhooks_as_emitted(
        sim: Simulator) -> None:
    sim.inbound(ANA, "hi", name="Ana")
    sim.send(text_message())
    before = [encode(w.payload) for w in _status_webhooks(sim)]
    sim.set_contact(ANA, name="Ana Lima")
    sim.send(text_message())
    after = _status_webhooks(sim)
    assert [encode(w.payload) for w in after[:len(before)]] == before
    assert after[-1].value["contacts"][0]["profile"] == {"name": "Ana Lima"}
    assert json.loads(before[0])["entry"][0]["changes"][0]["value"]["contacts"][0][
        "profile"] == {"name": "Ana"}


def test_status_snapshots_are_shared_while_the_fields_stay_the_same(sim: Simulator) -> None:
    sim.inbound(ANA, "hi", name="Ana")
    account = sim.world.account_of_phone(sim.world.first_phone().id)
    assert account is not None
    phone = sim.world.first_phone()
    contact = account.contacts[ANA]
    first = status_snapshot(account.waba_id, phone, contact)
    assert status_snapshot(account.waba_id, phone, contact) is first
    contact.name = "Ana Lima"
    renamed = status_snapshot(account.waba_id, phone, contact)
    assert renamed is not first
    assert renamed == (account.waba_id, phone.display_phone_number, phone.id, "Ana Lima",
                       ANA, contact.user_id)
    assert first[3] == "Ana"


def test_inbound_webhooks_are_kept_compact_and_deliver_the_listed_bytes(
        sim: Simulator) -> None:
    receiver = Receiver()
    engine = attach(sim, receiver)
    try:
        sim.inbound(ANA, "hi", name="Ana")
        sim.inbound(ANA, "again", name="Ana Lima")
        assert engine.flush()
    finally:
        engine.close()
    inbound = [w for w in sim.webhooks if isinstance(w, InboundWebhook)]
    assert len(inbound) == 2
    assert [encode(w.payload) for w in inbound] == [body for _, body in receiver.posts]
    first, second = (w.value for w in inbound)
    assert first["contacts"] == [{"profile": {"name": "Ana"}, "wa_id": ANA,
                                  "user_id": first["contacts"][0]["user_id"]}]
    assert second["contacts"][0]["profile"] == {"name": "Ana Lima"}
    assert first["messages"][0] is sim.received[0].message
    assert first["messages"][0]["text"] == {"body": "hi"}
    assert inbound[0].created_at == sim.received[0].at
    assert inbound[0].to_dict()["payload"] == json.loads(receiver.posts[0][1])


def test_a_system_message_webhook_carries_no_contacts(sim: Simulator) -> None:
    account = sim.world.account_of_phone(sim.world.first_phone().id)
    assert account is not None
    phone = sim.world.first_phone()
    snapshot = inbound_snapshot(account.waba_id, phone, None)
    webhook = InboundWebhook(7, sim.clock.now(), snapshot, {"type": "system"})
    value = webhook.value
    assert "contacts" not in value and value["messages"] == [{"type": "system"}]
    assert webhook.id == "0700000000000000" and webhook.waba_id == account.waba_id
    assert webhook.payload["entry"][0]["id"] == account.waba_id
