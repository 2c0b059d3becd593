from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.conftest import ANA, BRUNO, MESSAGES, START, template_message, text_message

FREE_SERVICE = {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                "category": "service"}


def promo(season: str = "winter", off: str = "20%", to: str = BRUNO) -> dict[str, Any]:
    """A marketing template, to Bruno (a US number would not get it since 2025-04-01)."""
    return template_message("seasonal_promotion", to=to, components=[
        {"type": "header", "parameters": [
            {"type": "image", "image": {"link": "https://shop.example/sale.jpg"}}]},
        {"type": "body", "parameters": [{"type": "text", "text": season},
                                        {"type": "text", "text": off}]}])


def statuses(sim: Simulator, message_id: str | None = None) -> list[dict[str, Any]]:
    found = [s for w in sim.webhooks for s in w.value.get("statuses", [])]
    return [s for s in found if message_id is None or s["id"] == message_id]


def send(sim: Simulator, body: dict[str, Any]) -> str:
    message_id: str = sim.send(body)["messages"][0]["id"]
    return message_id


@pytest.fixture
def open_window(sim: Simulator) -> Simulator:
    sim.inbound(ANA, "hi")
    return sim


def test_text_reply_is_sent_then_delivered_with_pricing_on_both_and_not_on_read(
        open_window: Simulator) -> None:
    sim = open_window
    wamid = send(sim, text_message(biz_opaque_callback_data="order-7"))
    sim.set_status(wamid, "read")
    sent, delivered, read = statuses(sim, wamid)
    assert [sent["status"], delivered["status"], read["status"]] == ["sent", "delivered", "read"]
    assert sent["pricing"] == delivered["pricing"] == FREE_SERVICE
    assert "pricing" not in read and "conversation" not in read
    assert sent["conversation"]["origin"] == {"type": "service"}
    assert "expiration_timestamp" in sent["conversation"]
    assert "expiration_timestamp" not in delivered["conversation"]
    assert sent["conversation"]["id"] == delivered["conversation"]["id"]
    assert {s["biz_opaque_callback_data"] for s in (sent, delivered, read)} == {"order-7"}


def test_read_at_once_skips_delivered_and_carries_the_pricing(open_window: Simulator) -> None:
    sim = open_window
    sim.set_progression("immediate")
    wamid = send(sim, text_message())
    assert [(s["status"], "pricing" in s) for s in statuses(sim, wamid)] == [
        ("sent", True), ("read", True)]


def test_timed_progression_runs_on_the_simulated_clock(open_window: Simulator) -> None:
    sim = open_window
    sim.set_progression(delivered_after=5, read_after=60)
    wamid = send(sim, text_message())
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent"]
    sim.advance("5s")
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent", "delivered"]
    sim.advance("1m")
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent", "delivered", "read"]


def test_progression_per_contact_overrides_the_world(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    sim.inbound("bruno", "olá")
    assert sim.set_progression("manual", who="ana") == {"delivered_after": None,
                                                        "read_after": None}
    to_ana = send(sim, text_message())
    to_bruno = send(sim, text_message(to="34612340002"))
    sim.advance("1h")
    assert [s["status"] for s in statuses(sim, to_ana)] == ["sent"]
    assert [s["status"] for s in statuses(sim, to_bruno)] == ["sent", "delivered"]


def test_progression_refuses_an_unknown_policy(sim: Simulator, client: httpx.Client) -> None:
    answer = client.post("/_sim/progression", json={"policy": "soon"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100
    ok = client.post("/_sim/progression", json={"customer": "ana", "read_after": 0})
    assert ok.json() == {"delivered_after": 0.0, "read_after": 0.0}


def test_reactions_only_get_sent(open_window: Simulator) -> None:
    sim = open_window
    sim.set_progression("immediate")
    target = sim.received.last.id
    wamid = send(sim, {"messaging_product": "whatsapp", "to": ANA, "type": "reaction",
                       "reaction": {"message_id": target, "emoji": "👍"}})
    sim.advance("1h")
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent"]


def test_voice_messages_are_played_after_read(open_window: Simulator) -> None:
    sim = open_window
    sim.set_progression("immediate")
    voice_note = sim.media.upload(b"OggS voice", "audio/ogg")
    wamid = send(sim, {"messaging_product": "whatsapp", "to": ANA, "type": "audio",
                       "audio": {"id": voice_note, "voice": True}})
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent", "read", "played"]
    plain = send(sim, {"messaging_product": "whatsapp", "to": ANA, "type": "audio",
                       "audio": {"id": voice_note}})
    assert [s["status"] for s in statuses(sim, plain)] == ["sent", "read"]


def test_failed_carries_errors_and_no_pricing_or_conversation(sim: Simulator) -> None:
    wamid = send(sim, text_message())  # no window: 131047 arrives by webhook
    (failed,) = statuses(sim, wamid)
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131047
    assert "pricing" not in failed and "conversation" not in failed


@pytest.mark.parametrize(("name", "body", "in_window", "pricing"), [
    ("seasonal_promotion", ["winter", "20%"], True,
     {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "marketing"}),
    ("verification_code", ["123456"], True,
     {"billable": True, "pricing_model": "PMP", "type": "regular",
      "category": "authentication"}),
    ("shipping_update", ["Ana", "A-1"], True,
     {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
      "category": "utility"}),
    ("shipping_update", ["Ana", "A-1"], False,
     {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"}),
])
def test_template_pricing_under_pmp(sim: Simulator, name: str, body: list[str],
                                    in_window: bool, pricing: dict[str, Any]) -> None:
    if in_window:
        sim.inbound(BRUNO, "hi")
    components = None
    if name == "seasonal_promotion":
        components = promo()["template"]["components"]
    if name == "verification_code":
        components = [{"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
                      {"type": "button", "sub_type": "url", "index": "0",
                       "parameters": [{"type": "text", "text": "123456"}]}]
    wamid = send(sim, template_message(name, body=None if components else body,
                                       components=components, to=BRUNO))
    sent = statuses(sim, wamid)[0]
    assert sent["pricing"] == pricing
    assert sent["conversation"]["origin"]["type"] == pricing["category"]


def test_v24_omits_the_conversation_outside_free_entry_points(
        sim: Simulator, client: httpx.Client) -> None:
    sim.inbound(ANA, "hi")
    answer = client.post(MESSAGES.replace("v23.0", "v24.0"), json=text_message())
    sent = statuses(sim, answer.json()["messages"][0]["id"])[0]
    assert sent["pricing"] == FREE_SERVICE
    assert "conversation" not in sent


def test_an_ad_referral_opens_a_free_entry_point_window_for_72_hours(
        sim: Simulator, client: httpx.Client) -> None:
    sim.inbound(BRUNO, "I saw your ad", referral={"source_id": "42", "headline": "Sale"})
    reply = client.post(MESSAGES.replace("v23.0", "v24.0"), json=text_message(to=BRUNO))
    sent = statuses(sim, reply.json()["messages"][0]["id"])[0]
    assert sent["pricing"] == {"billable": False, "pricing_model": "PMP",
                               "type": "free_entry_point", "category": "referral_conversion"}
    assert sent["conversation"]["origin"] == {"type": "referral_conversion"}
    sim.advance("71h")
    inside = send(sim, promo())
    assert statuses(sim, inside)[0]["pricing"]["type"] == "free_entry_point"
    assert statuses(sim, inside)[0]["conversation"]["id"] == sent["conversation"]["id"]
    sim.advance("1h")
    late = send(sim, promo())
    assert statuses(sim, late)[0]["pricing"]["type"] == "regular"


def test_a_reply_after_24_hours_opens_no_free_entry_point(sim: Simulator) -> None:
    sim.inbound(BRUNO, "I saw your ad", referral=True)
    sim.advance("25h")
    wamid = send(sim, promo())
    assert statuses(sim, wamid)[0]["pricing"]["type"] == "regular"


def test_a_world_before_july_2025_uses_conversation_based_pricing() -> None:
    sim = Simulator(now="2025-03-03T10:00:00Z", seed=1)
    sim.inbound(ANA, "hi")
    first = send(sim, promo(to=ANA))
    second = send(sim, promo("spring", "10%", to=ANA))
    reply = send(sim, text_message())
    a, b, c = (statuses(sim, m)[0] for m in (first, second, reply))
    assert a["pricing"] == {"billable": True, "pricing_model": "CBP", "category": "marketing"}
    assert a["conversation"]["id"] == b["conversation"]["id"] == c["conversation"]["id"]
    assert a["conversation"]["origin"] == {"type": "marketing"}
    sim.advance("25h")
    sim.inbound(ANA, "back")
    later = send(sim, text_message())
    d = statuses(sim, later)[0]
    assert d["pricing"]["category"] == "service"
    assert d["conversation"]["id"] != a["conversation"]["id"]


def test_the_pricing_model_setting_forces_cbp(sim: Simulator) -> None:
    sim.world.settings.update({"pricing_model": "CBP"})
    sim.inbound(ANA, "hi")
    wamid = send(sim, text_message())
    assert statuses(sim, wamid)[0]["pricing"] == {"billable": True, "pricing_model": "CBP",
                                                 "category": "service"}


def test_status_webhooks_carry_contacts_with_the_bsuid(open_window: Simulator) -> None:
    sim = open_window
    send(sim, text_message())
    contact = sim.webhooks.last.value["contacts"][0]
    assert contact["wa_id"] == ANA and contact["user_id"].startswith("US.")
    assert START
