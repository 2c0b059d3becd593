"""Every kind of webhook body the simulator emits, for the conformance tests."""

from __future__ import annotations

from typing import Any

from wasim import Simulator

from tests.conftest import ANA, START, text_message

MEDIA_ID = "1013859600285441"

INBOUND: dict[str, dict[str, Any]] = {
    "text": {"type": "text", "content": {"body": "Olá, está aí?"}},
    # media without an id: the simulator stores what the customer sent and names it
    "image": {"type": "image", "content": {"caption": "my receipt"}},
    "audio": {"type": "audio", "content": {"voice": True}},
    "video": {"type": "video", "content": {}},
    "document": {"type": "document", "content": {"filename": "invoice.pdf"}},
    "sticker": {"type": "sticker", "content": {"animated": False}},
    "location": {"type": "location", "content": {"latitude": 38.7223, "longitude": -9.1393,
                                                 "name": "Lisboa", "address": "Praça"}},
    "contacts": {"type": "contacts", "content": [
        {"name": {"formatted_name": "Zoë Müller", "first_name": "Zoë"},
         "phones": [{"phone": "+1 650 555 0199", "type": "CELL", "wa_id": "16505550199"}]}]},
    "button_reply": {"type": "interactive", "content": {
        "type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}}},
    "list_reply": {"type": "interactive", "content": {
        "list_reply": {"id": "row-1", "title": "Express", "description": "1 day"}}},
    "button": {"type": "button", "content": {"payload": "Show me", "text": "Show me"}},
    "reaction": {"type": "reaction", "content": {"message_id": "wamid.X", "emoji": "❤️"}},
    "order": {"type": "order", "content": {"catalog_id": "194836987003835", "product_items": [
        {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30,
         "currency": "USD"}]}},
    "system": {"type": "system", "content": {"wa_id": "16505550100"}},
    "unsupported": {"type": "unsupported", "content": None},
}


def inbound_bodies() -> dict[str, dict[str, Any]]:
    """name -> webhook payload, one per inbound type (plus a quoted reply and an ad click)."""
    sim = Simulator(now=START, seed=3)
    out: dict[str, dict[str, Any]] = {}
    for name, spec in INBOUND.items():
        context = None
        if spec["type"] in ("button", "interactive"):
            sim.inbound(ANA, "hi")
            context = sim.send(text_message())["messages"][0]["id"]
        sim.inbound(ANA, type=spec["type"], content=spec["content"], name="Ana Souza",
                    context=context)
        out[name] = sim.webhooks.filter(lambda w: "messages" in w.value).last.payload
    sim.inbound(ANA, "from the ad", referral=True)
    out["referral"] = sim.webhooks.last.payload
    quoted = sim.received.last.id
    sim.inbound(ANA, "about that", context=quoted)
    out["context"] = sim.webhooks.last.payload
    return out


def status_bodies() -> dict[str, dict[str, Any]]:
    """name -> webhook payload, one per status and pricing case."""
    sim = Simulator(now=START, seed=4)
    sim.inbound(ANA, "hi")
    sim.set_progression(delivered_after=0, read_after=None)
    wamid = sim.send(text_message(biz_opaque_callback_data="tag"))["messages"][0]["id"]
    sim.set_status(wamid, "read")
    out = {}
    for webhook in sim.webhooks:
        for status in webhook.value.get("statuses", []):
            out[status["status"]] = webhook.payload
    sim.advance("25h")
    late = sim.send(text_message())["messages"][0]["id"]
    out["failed"] = sim.webhooks.last.payload
    assert late in str(out["failed"])
    sim.inbound(ANA, "from the ad", referral=True)
    sim.send(text_message())
    out["free_entry_point"] = sim.webhooks.filter(
        lambda w: w.value.get("statuses", [{}])[0].get("status") == "sent").last.payload
    cbp = Simulator(now="2025-03-03T10:00:00Z", seed=5)
    cbp.inbound(ANA, "hi")
    cbp.send(text_message())
    out["cbp_sent"] = cbp.webhooks.filter(
        lambda w: w.value.get("statuses", [{}])[0].get("status") == "sent").last.payload
    return out
